import type Database from 'better-sqlite3';
import {
  StoreConflict,
  type CreditEventInput,
  type CreditEventResult,
  type RegistryStore,
} from '../registry-store.js';
import type {
  BusinessSystem,
  CreditEvent,
  CreditEventKind,
  CreditReference,
  Enterprise,
} from '../registry-types.js';
import { str, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** Which credit events to read (the store's `creditHistory` filter). */
export type CreditHistoryFilter = Parameters<RegistryStore['creditHistory']>[0];

/** What the credit history reads from the rest of the SQLite store. */
export interface CreditEventsReads {
  readonly getEnterprise: (creditCode: string) => Enterprise | undefined;
  readonly getSystem: (code: string) => BusinessSystem | undefined;
}

/**
 * The credit part of the SQLite registry store: the score change, its event, its log entry and the
 * suspensions it causes, in one transaction (the `credit_events` table, migration 4).
 */
export class SqliteCreditEvents {
  readonly #context: SqliteStoreContext;
  readonly #reads: CreditEventsReads;
  readonly #scoreOf: Database.Statement;
  readonly #setScore: Database.Statement;
  readonly #systemBrief: Database.Statement;
  readonly #ratedToday: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #eventRow: Database.Statement;
  readonly #activeSystems: Database.Statement;
  readonly #setSystemStatus: Database.Statement;

  /** Records a credit event; see `RegistryStore.recordCreditEvent`. */
  readonly record: (input: CreditEventInput) => CreditEventResult;

  constructor(context: SqliteStoreContext, reads: CreditEventsReads) {
    const { db } = context;
    this.#context = context;
    this.#reads = reads;
    this.#scoreOf = db.prepare('SELECT credit_score FROM enterprises WHERE credit_code = ?');
    this.#setScore = db.prepare('UPDATE enterprises SET credit_score = ? WHERE credit_code = ?');
    this.#systemBrief = db.prepare(
      'SELECT enterprise_credit_code, status FROM systems WHERE code = ?',
    );
    this.#ratedToday = db.prepare(
      `SELECT 1 FROM credit_events WHERE kind = 'FEEDBACK' AND app_id = ? AND system_code = ? AND substr(at, 1, 10) = ?`,
    );
    this.#insert = db.prepare(
      'INSERT INTO credit_events (at, credit_code, system_code, kind, delta, score_before, score_after, reason, actor, reference, app_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#eventRow = db.prepare('SELECT * FROM credit_events WHERE seq = ?');
    this.#activeSystems = db.prepare(
      `SELECT code FROM systems WHERE enterprise_credit_code = ? AND status = 'ACTIVE' ORDER BY seq`,
    );
    this.#setSystemStatus = db.prepare(
      'UPDATE systems SET status = ?, updated_at = ? WHERE code = ?',
    );
    this.record = db.transaction((input: CreditEventInput) => this.#record(input));
  }

  /** Credit events, oldest first, after a sequence number; of one enterprise or system when given. */
  history(filter: CreditHistoryFilter): CreditEvent[] {
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
    const rows = this.#context.db
      .prepare(`SELECT * FROM credit_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...params, filter.limit) as Row[];
    return rows.map(toCreditEvent);
  }

  #record(input: CreditEventInput): CreditEventResult {
    const at = this.#context.now();
    const before = this.#storedScore(input);
    const appId = this.#feedbackApp(input, at);
    const after = Math.min(
      100,
      Math.max(0, 'by' in input.change ? before + input.change.by : input.change.to),
    );
    const seq = this.#writeEvent(input, { appId, before, after, at });
    const reactivated = this.#reactivate(input, at);
    const suspended = this.#suspend(input, { after, seq, at });
    return {
      enterprise: this.#reads.getEnterprise(input.creditCode) as Enterprise,
      event: toCreditEvent(this.#eventRow.get(seq) as Row),
      suspended,
      reactivated,
    };
  }

  /** The enterprise's stored score, once the enterprise and the system are known to exist. */
  #storedScore(input: CreditEventInput): number {
    const stored = this.#scoreOf.get(input.creditCode) as Row | undefined;
    if (!stored) throw new StoreConflict('NOT_FOUND', `no enterprise ${input.creditCode}`);
    if (input.systemCode !== null) {
      const system = this.#systemBrief.get(input.systemCode) as Row | undefined;
      if (!system || str(system['enterprise_credit_code']) !== input.creditCode)
        throw new StoreConflict(
          'NOT_FOUND',
          `no business system ${input.systemCode} of ${input.creditCode}`,
          { systemCode: input.systemCode },
        );
    }
    return Number(stored['credit_score']);
  }

  /** The rating application of a FEEDBACK event (null for other kinds), once per system and UTC day. */
  #feedbackApp(input: CreditEventInput, at: string): string | null {
    const appId = input.kind === 'FEEDBACK' ? (input.reference.appId ?? '') : null;
    if (appId !== null && this.#ratedToday.get(appId, input.systemCode, at.slice(0, 10))) {
      throw new StoreConflict(
        'FEEDBACK_LIMIT',
        `${appId} already rated ${input.systemCode ?? ''} on ${at.slice(0, 10)} (UTC)`,
        { systemCode: input.systemCode },
      );
    }
    return appId;
  }

  /** Stores the new score, the event and its log entry; returns the event's sequence number. */
  #writeEvent(
    input: CreditEventInput,
    change: { appId: string | null; before: number; after: number; at: string },
  ): number {
    const { appId, before, after, at } = change;
    this.#setScore.run(after, input.creditCode);
    const seq = Number(
      this.#insert.run(
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
    this.#context.log(
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
    return seq;
  }

  /** Reactivates the SUSPENDED system the event asks for, with its log entry. */
  #reactivate(input: CreditEventInput, at: string): BusinessSystem | null {
    if (!input.reactivate) return null;
    const { systemCode } = input.reactivate;
    const system = this.#systemBrief.get(systemCode) as Row | undefined;
    if (!system)
      throw new StoreConflict('NOT_FOUND', `no business system ${systemCode}`, { systemCode });
    if (str(system['status']) !== 'SUSPENDED')
      throw new StoreConflict(
        'INVALID_STATE',
        `business system ${systemCode} is ${str(system['status']).toLowerCase()}, not suspended`,
        { systemCode },
      );
    this.#setSystemStatus.run('ACTIVE', at, systemCode);
    this.#context.log(input.reactivate.log, at);
    return this.#reads.getSystem(systemCode) ?? null;
  }

  /** Suspends every ACTIVE system of the enterprise when the new score is below the threshold. */
  #suspend(input: CreditEventInput, event: { after: number; seq: number; at: string }): string[] {
    const { after, seq, at } = event;
    const suspended =
      after < input.suspendBelow
        ? (this.#activeSystems.all(input.creditCode) as Row[]).map((r) => str(r['code']))
        : [];
    for (const code of suspended) {
      this.#setSystemStatus.run('SUSPENDED', at, code);
      this.#context.log(
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
    return suspended;
  }
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
