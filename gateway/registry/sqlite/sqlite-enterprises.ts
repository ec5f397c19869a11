import type Database from 'better-sqlite3';
import {
  StoreConflict,
  type EnterpriseAccountInput,
  type EnterpriseDecision,
  type LogInput,
  type OperatorKey,
} from '../registry-store.js';
import type { Enterprise, EnterpriseStatus } from '../registry-types.js';
import { str, strOrNull, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** An account to open directly, with its first operator key. */
export type ApprovedAccountInput = EnterpriseAccountInput & { readonly key: OperatorKey };

/**
 * The enterprise accounts of the SQLite registry store (migration 5): applications, approvals,
 * rejections and admin-created accounts, each with its log entry and, on approval, the operator
 * key in the same transaction.
 */
export class SqliteEnterprises {
  readonly #context: SqliteStoreContext;
  readonly #byCreditCode: Database.Statement;
  readonly #all: Database.Statement;
  readonly #byStatus: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #reopen: Database.Statement;
  readonly #setStatus: Database.Statement;
  readonly #insertOperator: Database.Statement;

  /**
   * Records a self-service application (PENDING); a REJECTED enterprise applies again.
   * @throws StoreConflict `ALREADY_REGISTERED`; nothing is written then.
   */
  readonly apply: (input: EnterpriseAccountInput) => Enterprise;
  /**
   * Opens an APPROVED account with its first operator key.
   * @throws StoreConflict `ALREADY_REGISTERED`, `INVALID_STATE`; nothing is written then.
   */
  readonly create: (input: ApprovedAccountInput) => Enterprise;
  /**
   * Decides a PENDING application.
   * @throws StoreConflict `NOT_FOUND`, `INVALID_STATE`; nothing is written then.
   */
  readonly review: (
    creditCode: string,
    decision: EnterpriseDecision,
    entry: LogInput,
  ) => Enterprise;

  constructor(context: SqliteStoreContext) {
    const { db } = context;
    this.#context = context;
    this.#byCreditCode = db.prepare('SELECT * FROM enterprises WHERE credit_code = ?');
    this.#all = db.prepare('SELECT * FROM enterprises ORDER BY credit_code');
    this.#byStatus = db.prepare('SELECT * FROM enterprises WHERE status = ? ORDER BY credit_code');
    this.#insert = db.prepare(
      'INSERT INTO enterprises (credit_code, name, credit_score, created_at, status, contact, status_reason) VALUES (?, ?, ?, ?, ?, ?, NULL)',
    );
    this.#reopen = db.prepare(
      'UPDATE enterprises SET name = ?, contact = ?, status = ?, status_reason = NULL WHERE credit_code = ?',
    );
    this.#setStatus = db.prepare(
      'UPDATE enterprises SET status = ?, status_reason = ? WHERE credit_code = ?',
    );
    this.#insertOperator = db.prepare(
      `INSERT INTO principals (key_id, role, system_code, app_id, credit_code, label, secret_hash, created_at) VALUES (?, 'ENTERPRISE_OPERATOR', NULL, NULL, ?, ?, ?, ?)`,
    );
    this.apply = db.transaction((input: EnterpriseAccountInput) => this.#apply(input));
    this.create = db.transaction((input: ApprovedAccountInput) => this.#create(input));
    this.review = db.transaction(
      (creditCode: string, decision: EnterpriseDecision, entry: LogInput) =>
        this.#review(creditCode, decision, entry),
    );
  }

  get(creditCode: string): Enterprise | undefined {
    return toEnterprise(this.#byCreditCode.get(creditCode) as Row | undefined);
  }

  /** Enterprises in credit-code order, optionally of one status. */
  list(status?: EnterpriseStatus): Enterprise[] {
    const rows = (status ? this.#byStatus.all(status) : this.#all.all()) as Row[];
    return rows.map((r) => toEnterprise(r) as Enterprise);
  }

  #apply(input: EnterpriseAccountInput): Enterprise {
    const existing = this.get(input.creditCode);
    if (existing && existing.status !== 'REJECTED')
      throw new StoreConflict(
        'ALREADY_REGISTERED',
        `enterprise ${input.creditCode} is already ${existing.status === 'PENDING' ? 'waiting for review' : 'onboarded'}.`,
        { creditCode: input.creditCode },
      );
    const at = this.#context.now();
    this.#open(input, 'PENDING', at);
    this.#context.log({ ...input.log, subject: input.creditCode }, at);
    return this.get(input.creditCode) as Enterprise;
  }

  #create(input: ApprovedAccountInput): Enterprise {
    const existing = this.get(input.creditCode);
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
    const at = this.#context.now();
    this.#open(input, 'APPROVED', at);
    this.#addOperator(input.creditCode, input.key, at);
    this.#context.log({ ...input.log, subject: input.creditCode }, at);
    return this.get(input.creditCode) as Enterprise;
  }

  #review(creditCode: string, decision: EnterpriseDecision, entry: LogInput): Enterprise {
    const existing = this.get(creditCode);
    if (!existing)
      throw new StoreConflict('NOT_FOUND', `no enterprise ${creditCode}`, { creditCode });
    if (existing.status !== 'PENDING')
      throw new StoreConflict(
        'INVALID_STATE',
        `enterprise ${creditCode} is ${existing.status.toLowerCase()}; only a pending application is reviewed.`,
        { creditCode },
      );
    const at = this.#context.now();
    this.#setStatus.run(
      decision.status,
      decision.status === 'REJECTED' ? decision.reason : null,
      creditCode,
    );
    if (decision.status === 'APPROVED') this.#addOperator(creditCode, decision.key, at);
    this.#context.log(entry, at);
    return this.get(creditCode) as Enterprise;
  }

  /** Writes a new account, or reopens a REJECTED one, with `status`. */
  #open(input: EnterpriseAccountInput, status: 'PENDING' | 'APPROVED', at: string): void {
    if (this.get(input.creditCode) === undefined)
      this.#insert.run(input.creditCode, input.name, input.initialScore, at, status, input.contact);
    else this.#reopen.run(input.name, input.contact, status, input.creditCode);
  }

  #addOperator(creditCode: string, key: OperatorKey, at: string): void {
    this.#insertOperator.run(key.keyId, creditCode, key.label, key.secretHash, at);
  }
}

/** An `enterprises` row as the registry's type; undefined for no row. */
function toEnterprise(row: Row | undefined): Enterprise | undefined {
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
