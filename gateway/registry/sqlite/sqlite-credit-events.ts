import type Database from 'better-sqlite3';
import {
  StoreConflict,
  type CreditEventInput,
  type CreditEventResult,
  type LogInput,
  type RegistryStore,
} from '../registry-store.js';
import type {
  BusinessSystem,
  CreditEvent,
  CreditEventKind,
  CreditReference,
  Enterprise,
} from '../registry-types.js';

type Row = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** What the credit history needs from the rest of the SQLite store. */
export interface CreditEventsContext {
  readonly db: Database.Database;
  readonly now: () => string;
  readonly log: (entry: LogInput, at: string) => void;
  readonly getEnterprise: (creditCode: string) => Enterprise | undefined;
  readonly getSystem: (code: string) => BusinessSystem | undefined;
}

/**
 * The credit part of the SQLite registry store: the score change, its event, its log entry and the
 * suspensions it causes, in one transaction (the `credit_events` table, migration 4).
 */
export function sqliteCreditEvents(
  context: CreditEventsContext,
): Pick<RegistryStore, 'recordCreditEvent' | 'creditHistory'> {
  const { db, now, log } = context;
  const scoreOf = db.prepare('SELECT credit_score FROM enterprises WHERE credit_code = ?');
  const setScore = db.prepare('UPDATE enterprises SET credit_score = ? WHERE credit_code = ?');
  const systemBrief = db.prepare(
    'SELECT enterprise_credit_code, status FROM systems WHERE code = ?',
  );
  const ratedToday = db.prepare(
    `SELECT 1 FROM credit_events WHERE kind = 'FEEDBACK' AND app_id = ? AND system_code = ? AND substr(at, 1, 10) = ?`,
  );
  const insert = db.prepare(
    'INSERT INTO credit_events (at, credit_code, system_code, kind, delta, score_before, score_after, reason, actor, reference, app_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const eventRow = db.prepare('SELECT * FROM credit_events WHERE seq = ?');
  const activeSystems = db.prepare(
    `SELECT code FROM systems WHERE enterprise_credit_code = ? AND status = 'ACTIVE' ORDER BY seq`,
  );
  const setStatus = db.prepare('UPDATE systems SET status = ?, updated_at = ? WHERE code = ?');

  const record = db.transaction((input: CreditEventInput): CreditEventResult => {
    const at = now();
    const stored = scoreOf.get(input.creditCode) as Row | undefined;
    if (!stored) throw new StoreConflict('NOT_FOUND', `no enterprise ${input.creditCode}`);
    if (input.systemCode !== null) {
      const system = systemBrief.get(input.systemCode) as Row | undefined;
      if (!system || str(system['enterprise_credit_code']) !== input.creditCode)
        throw new StoreConflict(
          'NOT_FOUND',
          `no business system ${input.systemCode} of ${input.creditCode}`,
          { systemCode: input.systemCode },
        );
    }
    const appId = input.kind === 'FEEDBACK' ? (input.reference.appId ?? '') : null;
    if (appId !== null && ratedToday.get(appId, input.systemCode, at.slice(0, 10))) {
      throw new StoreConflict(
        'FEEDBACK_LIMIT',
        `${appId} already rated ${input.systemCode ?? ''} on ${at.slice(0, 10)} (UTC)`,
        { systemCode: input.systemCode },
      );
    }
    const before = Number(stored['credit_score']);
    const after = Math.min(
      100,
      Math.max(0, 'by' in input.change ? before + input.change.by : input.change.to),
    );
    setScore.run(after, input.creditCode);
    const seq = Number(
      insert.run(
        at,
        input.creditCode,
        input.systemCode,
        input.kind,
        after - before,
        before,
        after,
        input.reason,
        input.actor,
        JSON.stringify(input.reference),
        appId,
      ).lastInsertRowid,
    );
    log(
      {
        actor: input.actor,
        action: `credit.${input.kind.toLowerCase()}`,
        subject: input.creditCode,
        details: {
          seq,
          systemCode: input.systemCode,
          from: before,
          to: after,
          reason: input.reason,
          reference: input.reference,
        },
      },
      at,
    );

    let reactivated: BusinessSystem | null = null;
    if (input.reactivate) {
      const { systemCode } = input.reactivate;
      const system = systemBrief.get(systemCode) as Row | undefined;
      if (!system)
        throw new StoreConflict('NOT_FOUND', `no business system ${systemCode}`, { systemCode });
      if (str(system['status']) !== 'SUSPENDED')
        throw new StoreConflict(
          'INVALID_STATE',
          `business system ${systemCode} is ${str(system['status']).toLowerCase()}, not suspended`,
          { systemCode },
        );
      setStatus.run('ACTIVE', at, systemCode);
      log(input.reactivate.log, at);
      reactivated = context.getSystem(systemCode) ?? null;
    }

    const suspended =
      after < input.suspendBelow
        ? (activeSystems.all(input.creditCode) as Row[]).map((r) => str(r['code']))
        : [];
    for (const code of suspended) {
      setStatus.run('SUSPENDED', at, code);
      log(
        {
          actor: 'credit',
          action: 'system.suspended',
          subject: code,
          details: {
            reason: `credit score of ${input.creditCode} fell to ${after}, below ${input.suspendBelow}: ${input.reason}`,
            from: 'ACTIVE',
            creditEvent: seq,
          },
        },
        at,
      );
    }
    return {
      enterprise: context.getEnterprise(input.creditCode) as Enterprise,
      event: toCreditEvent(eventRow.get(seq) as Row),
      suspended,
      reactivated,
    };
  });

  return {
    recordCreditEvent: async (input) => Promise.resolve(record(input)),
    creditHistory: async (filter) => {
      const where = ['seq > ?'];
      const params: unknown[] = [filter.after];
      if (filter.creditCode !== undefined) {
        where.push('credit_code = ?');
        params.push(filter.creditCode);
      }
      if (filter.systemCode !== undefined) {
        where.push('system_code = ?');
        params.push(filter.systemCode);
      }
      const rows = db
        .prepare(`SELECT * FROM credit_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
        .all(...params, filter.limit) as Row[];
      return Promise.resolve(rows.map(toCreditEvent));
    },
  };
}

function toCreditEvent(row: Row): CreditEvent {
  return {
    seq: Number(row['seq']),
    at: str(row['at']),
    creditCode: str(row['credit_code']),
    systemCode: row['system_code'] === null ? null : str(row['system_code']),
    kind: str(row['kind']) as CreditEventKind,
    delta: Number(row['delta']),
    scoreBefore: Number(row['score_before']),
    scoreAfter: Number(row['score_after']),
    reason: str(row['reason']),
    actor: str(row['actor']),
    reference: JSON.parse(str(row['reference'])) as CreditReference,
  };
}
