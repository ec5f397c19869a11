import type Database from 'better-sqlite3';
import {
  StoreConflict,
  type EnterpriseAccountInput,
  type LogInput,
  type OperatorKey,
  type RegistryStore,
} from '../registry-store.js';
import type { Enterprise, EnterpriseStatus } from '../registry-types.js';

type Row = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

/** What the enterprise accounts need from the rest of the SQLite store. */
export interface EnterprisesContext {
  readonly db: Database.Database;
  readonly now: () => string;
  readonly log: (entry: LogInput, at: string) => void;
}

/** An `enterprises` row as the registry's type; undefined for no row. */
export function toEnterprise(row: Row | undefined): Enterprise | undefined {
  if (!row) return undefined;
  return {
    creditCode: str(row['credit_code']),
    name: str(row['name']),
    creditScore: Number(row['credit_score']),
    status: str(row['status']) as EnterpriseStatus,
    contact: strOrNull(row['contact']),
    statusReason: strOrNull(row['status_reason']),
    createdAt: str(row['created_at']),
  };
}

/**
 * The enterprise accounts of the SQLite registry store (migration 5): applications, approvals,
 * rejections and admin-created accounts, each with its log entry and, on approval, the operator
 * key in the same transaction.
 */
export function sqliteEnterprises(
  context: EnterprisesContext,
): Pick<
  RegistryStore,
  'listEnterprises' | 'applyEnterprise' | 'createEnterprise' | 'reviewEnterprise'
> {
  const { db, now, log } = context;
  const enterpriseRow = db.prepare('SELECT * FROM enterprises WHERE credit_code = ?');
  const get = (creditCode: string): Enterprise | undefined =>
    toEnterprise(enterpriseRow.get(creditCode) as Row | undefined);
  const insert = db.prepare(
    'INSERT INTO enterprises (credit_code, name, credit_score, created_at, status, contact, status_reason) VALUES (?, ?, ?, ?, ?, ?, NULL)',
  );
  const reopen = db.prepare(
    'UPDATE enterprises SET name = ?, contact = ?, status = ?, status_reason = NULL WHERE credit_code = ?',
  );
  const setStatus = db.prepare(
    'UPDATE enterprises SET status = ?, status_reason = ? WHERE credit_code = ?',
  );
  const insertOperator = db.prepare(
    `INSERT INTO principals (key_id, role, system_code, app_id, credit_code, label, secret_hash, created_at) VALUES (?, 'ENTERPRISE_OPERATOR', NULL, NULL, ?, ?, ?, ?)`,
  );
  const addOperator = (creditCode: string, key: OperatorKey, at: string): void =>
    void insertOperator.run(key.keyId, creditCode, key.label, key.secretHash, at);

  /** Writes a new account, or reopens a REJECTED one, with `status`. */
  const open = (
    input: EnterpriseAccountInput,
    status: 'PENDING' | 'APPROVED',
    at: string,
  ): void => {
    const existing = get(input.creditCode);
    if (existing === undefined)
      insert.run(input.creditCode, input.name, input.initialScore, at, status, input.contact);
    else reopen.run(input.name, input.contact, status, input.creditCode);
  };

  const apply = db.transaction((input: EnterpriseAccountInput): Enterprise => {
    const existing = get(input.creditCode);
    if (existing && existing.status !== 'REJECTED')
      throw new StoreConflict(
        'ALREADY_REGISTERED',
        `enterprise ${input.creditCode} is already ${existing.status === 'PENDING' ? 'waiting for review' : 'onboarded'}.`,
        { creditCode: input.creditCode },
      );
    const at = now();
    open(input, 'PENDING', at);
    log({ ...input.log, subject: input.creditCode }, at);
    return get(input.creditCode) as Enterprise;
  });

  const create = db.transaction(
    (input: EnterpriseAccountInput & { readonly key: OperatorKey }): Enterprise => {
      const existing = get(input.creditCode);
      if (existing?.status === 'APPROVED')
        throw new StoreConflict(
          'ALREADY_REGISTERED',
          `enterprise ${input.creditCode} is already onboarded.`,
          { creditCode: input.creditCode },
        );
      if (existing?.status === 'PENDING')
        throw new StoreConflict(
          'INVALID_STATE',
          `enterprise ${input.creditCode} has an application waiting for review; approve or reject it.`,
          { creditCode: input.creditCode },
        );
      const at = now();
      open(input, 'APPROVED', at);
      addOperator(input.creditCode, input.key, at);
      log({ ...input.log, subject: input.creditCode }, at);
      return get(input.creditCode) as Enterprise;
    },
  );

  const review = db.transaction(
    (
      creditCode: string,
      decision: Parameters<RegistryStore['reviewEnterprise']>[1],
      entry: LogInput,
    ): Enterprise => {
      const existing = get(creditCode);
      if (!existing)
        throw new StoreConflict('NOT_FOUND', `no enterprise ${creditCode}`, { creditCode });
      if (existing.status !== 'PENDING')
        throw new StoreConflict(
          'INVALID_STATE',
          `enterprise ${creditCode} is ${existing.status.toLowerCase()}; only a pending application is reviewed.`,
          { creditCode },
        );
      const at = now();
      setStatus.run(
        decision.status,
        decision.status === 'REJECTED' ? decision.reason : null,
        creditCode,
      );
      if (decision.status === 'APPROVED') addOperator(creditCode, decision.key, at);
      log(entry, at);
      return get(creditCode) as Enterprise;
    },
  );

  return {
    listEnterprises: async (status) =>
      Promise.resolve(
        (
          db
            .prepare(
              `SELECT * FROM enterprises ${status ? 'WHERE status = ?' : ''} ORDER BY credit_code`,
            )
            .all(...(status ? [status] : [])) as Row[]
        ).map((r) => toEnterprise(r) as Enterprise),
      ),
    applyEnterprise: async (input) => Promise.resolve(apply(input)),
    createEnterprise: async (input) => Promise.resolve(create(input)),
    reviewEnterprise: async (creditCode, decision, entry) =>
      Promise.resolve(review(creditCode, decision, entry)),
  };
}
