import type Database from 'better-sqlite3';
import type { LogInput, StoredPrincipal } from '../registry-store.js';
import type { Role } from '../registry-types.js';
import { str, strOrNull, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** The API keys of the SQLite registry store (the `principals` table), found by key id. */
export class SqlitePrincipals {
  readonly #context: SqliteStoreContext;
  // Read on every authenticated request.
  readonly #byKeyId: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #revoke: Database.Statement;

  constructor(context: SqliteStoreContext) {
    const { db } = context;
    this.#context = context;
    this.#byKeyId = db.prepare('SELECT * FROM principals WHERE key_id = ?');
    this.#insert = db.prepare(
      'INSERT INTO principals (key_id, role, system_code, app_id, credit_code, label, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#revoke = db.prepare(
      'UPDATE principals SET revoked_at = ? WHERE label = ? AND role = ? AND revoked_at IS NULL',
    );
  }

  /** Stores a key, with its log entry, in one transaction. */
  create(p: Omit<StoredPrincipal, 'revoked'>, entry: LogInput): void {
    this.#context.db.transaction(() => {
      const at = this.#context.now();
      this.#insert.run(
        p.keyId,
        p.role,
        p.systemCode,
        p.appId,
        p.creditCode,
        p.label,
        p.secretHash,
        at,
      );
      this.#context.log(entry, at);
    })();
  }

  find(keyId: string): StoredPrincipal | undefined {
    const row = this.#byKeyId.get(keyId) as Row | undefined;
    return row
      ? {
          keyId: str(row['key_id']),
          role: str(row['role']) as Role,
          systemCode: strOrNull(row['system_code']),
          appId: strOrNull(row['app_id']),
          creditCode: strOrNull(row['credit_code']),
          label: str(row['label']),
          secretHash: str(row['secret_hash']),
          revoked: row['revoked_at'] !== null,
        }
      : undefined;
  }

  /** Revokes the live keys with this label and role; logs it when there were any. Returns how many. */
  revoke(filter: { readonly label: string; readonly role: Role }, entry: LogInput): number {
    return this.#context.db.transaction(() => {
      const at = this.#context.now();
      const count = this.#revoke.run(at, filter.label, filter.role).changes;
      if (count > 0)
        this.#context.log({ ...entry, details: { ...entry.details, revoked: count } }, at);
      return count;
    })();
  }
}
