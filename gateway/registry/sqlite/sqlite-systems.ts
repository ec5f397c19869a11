import type Database from 'better-sqlite3';
import { StoreConflict, type LogInput, type RegistryStore } from '../registry-store.js';
import type { BusinessSystem, Enterprise, SystemStatus } from '../registry-types.js';
import { str, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** What registering a system takes (the store's `createSystem` input). */
export type SystemInput = Parameters<RegistryStore['createSystem']>[0];

/** What `updateSystem` may change. */
export type SystemChange = Parameters<RegistryStore['updateSystem']>[1];

/** The stored SDL of a system, for the supergraph. */
export interface SystemSdl {
  readonly code: string;
  readonly subgraphName: string;
  readonly url: string;
  readonly sdl: string;
}

/**
 * The business systems of the SQLite registry store: codes in sequence under the authority
 * prefix, each with its operator key, only for approved enterprises.
 */
export class SqliteSystems {
  readonly #context: SqliteStoreContext;
  readonly #getEnterprise: (creditCode: string) => Enterprise | undefined;
  readonly #byCode: Database.Statement;
  readonly #all: Database.Statement;
  readonly #byStatus: Database.Statement;
  readonly #sdls: Database.Statement;
  readonly #nextSeq: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #insertKey: Database.Statement;
  readonly #change: Database.Statement;

  /**
   * Creates the system with the next code, and its key, for an APPROVED enterprise; logs it.
   * @throws StoreConflict `ENTERPRISE_NOT_APPROVED`; nothing is written then.
   */
  readonly create: (input: SystemInput) => BusinessSystem;
  /**
   * Changes a system's status, URL or SDL; logs it.
   * @throws StoreConflict `NOT_FOUND`; nothing is written then.
   */
  readonly update: (code: string, change: SystemChange, entry: LogInput) => BusinessSystem;

  constructor(
    context: SqliteStoreContext,
    getEnterprise: (creditCode: string) => Enterprise | undefined,
  ) {
    const { db } = context;
    this.#context = context;
    this.#getEnterprise = getEnterprise;
    this.#byCode = db.prepare('SELECT * FROM systems WHERE code = ?');
    this.#all = db.prepare('SELECT * FROM systems ORDER BY seq');
    this.#byStatus = db.prepare('SELECT * FROM systems WHERE status = ? ORDER BY seq');
    this.#sdls = db.prepare(
      'SELECT code, subgraph_name, url, sdl FROM systems WHERE status = ? ORDER BY seq',
    );
    this.#nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM systems');
    this.#insert = db.prepare(
      `INSERT INTO systems (code, seq, enterprise_credit_code, name, subgraph_name, description, url, sdl, coding_rule, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)`,
    );
    this.#insertKey = db.prepare(
      'INSERT INTO principals (key_id, role, system_code, label, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#change = db.prepare(
      'UPDATE systems SET status = coalesce(?, status), url = coalesce(?, url), sdl = coalesce(?, sdl), updated_at = ? WHERE code = ?',
    );
    this.create = db.transaction((input: SystemInput) => this.#register(input));
    this.update = db.transaction((code: string, change: SystemChange, entry: LogInput) =>
      this.#applyChange(code, change, entry),
    );
  }

  get(code: string): BusinessSystem | undefined {
    return toSystem(this.#byCode.get(code) as Row | undefined);
  }

  /** Systems in code sequence, optionally of one status. */
  list(status?: SystemStatus): BusinessSystem[] {
    const rows = (status ? this.#byStatus.all(status) : this.#all.all()) as Row[];
    return rows.map((r) => toSystem(r) as BusinessSystem);
  }

  /** Stored SDLs of the systems with the given status. */
  sdls(status: SystemStatus): SystemSdl[] {
    return (this.#sdls.all(status) as Row[]).map((r) => ({
      code: str(r['code']),
      subgraphName: str(r['subgraph_name']),
      url: str(r['url']),
      sdl: str(r['sdl']),
    }));
  }

  #register(input: SystemInput): BusinessSystem {
    const at = this.#context.now();
    const enterprise = this.#getEnterprise(input.creditCode);
    if (enterprise?.status !== 'APPROVED')
      throw new StoreConflict(
        'ENTERPRISE_NOT_APPROVED',
        `enterprise ${input.creditCode} is ${enterprise ? enterprise.status.toLowerCase() : 'not onboarded'}; only an approved enterprise registers business systems.`,
        { creditCode: input.creditCode },
      );
    const seq = Number((this.#nextSeq.get() as Row)['seq']);
    const code = `${input.authorityPrefix}.${seq}`;
    this.#insert.run(
      code,
      seq,
      input.creditCode,
      input.name,
      input.subgraphName,
      input.description,
      input.url,
      input.sdl,
      input.codingRule,
      at,
      at,
    );
    this.#insertKey.run(
      input.key.keyId,
      'ENTERPRISE_USER',
      code,
      `${input.name} operator`,
      input.key.secretHash,
      at,
    );
    this.#context.log({ ...input.log, subject: code }, at);
    return this.get(code) as BusinessSystem;
  }

  #applyChange(code: string, change: SystemChange, entry: LogInput): BusinessSystem {
    const at = this.#context.now();
    const result = this.#change.run(
      change.status ?? null,
      change.url ?? null,
      change.sdl ?? null,
      at,
      code,
    );
    if (result.changes === 0) throw new StoreConflict('NOT_FOUND', `no business system ${code}`);
    this.#context.log(entry, at);
    return this.get(code) as BusinessSystem;
  }
}

/** A `systems` row as the registry's type; undefined for no row. */
export function toSystem(row: Row | undefined): BusinessSystem | undefined {
  if (!row) return undefined;
  return {
    code: str(row['code']),
    enterpriseCreditCode: str(row['enterprise_credit_code']),
    name: str(row['name']),
    subgraphName: str(row['subgraph_name']),
    description: str(row['description']),
    url: str(row['url']),
    codingRule: str(row['coding_rule']),
    status: str(row['status']) as BusinessSystem['status'],
    createdAt: str(row['created_at']),
    updatedAt: str(row['updated_at']),
  };
}
