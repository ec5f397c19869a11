import type Database from 'better-sqlite3';
import { StoreConflict, type LogInput, type RegistryStore } from '../registry-store.js';
import type { Application, ApplicationKeyRecord } from '../registry-types.js';
import { str, strOrNull, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** What creating an application takes (the store's `createApplication` input). */
export type ApplicationInput = Parameters<RegistryStore['createApplication']>[0];

/** The consuming applications of the SQLite registry store (`APP-nnnn`) and their API keys. */
export class SqliteApplications {
  readonly #context: SqliteStoreContext;
  readonly #byName: Database.Statement;
  readonly #byId: Database.Statement;
  readonly #nextSeq: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #insertKey: Database.Statement;
  readonly #keys: Database.Statement;
  readonly #key: Database.Statement;
  readonly #revokeKey: Database.Statement;

  /**
   * Creates an application with the next id, and its key; logs it.
   * @throws StoreConflict `ALREADY_REGISTERED` when an application has this name; nothing is written then.
   */
  readonly create: (input: ApplicationInput) => Application;
  /**
   * Revokes one of an application's keys (a revoked one stays as it was); logs it.
   * @throws StoreConflict `NOT_FOUND` when the application has no such key; nothing is written then.
   */
  readonly revokeKey: (appId: string, keyId: string, entry: LogInput) => ApplicationKeyRecord;

  constructor(context: SqliteStoreContext) {
    const { db } = context;
    this.#context = context;
    this.#byName = db.prepare('SELECT * FROM applications WHERE name = ?');
    this.#byId = db.prepare('SELECT * FROM applications WHERE app_id = ?');
    this.#nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM applications');
    this.#insert = db.prepare(
      'INSERT INTO applications (app_id, seq, name, roles, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.#insertKey = db.prepare(
      'INSERT INTO principals (key_id, role, system_code, app_id, label, secret_hash, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?)',
    );
    this.#keys = db.prepare(
      "SELECT key_id, label, created_at, revoked_at FROM principals WHERE app_id = ? AND role = 'APPLICATION' ORDER BY created_at, key_id",
    );
    this.#key = db.prepare(
      "SELECT key_id, label, created_at, revoked_at FROM principals WHERE app_id = ? AND key_id = ? AND role = 'APPLICATION'",
    );
    this.#revokeKey = db.prepare('UPDATE principals SET revoked_at = ? WHERE key_id = ?');
    this.create = db.transaction((input: ApplicationInput) => this.#register(input));
    this.revokeKey = db.transaction((appId: string, keyId: string, entry: LogInput) =>
      this.#revoke(appId, keyId, entry),
    );
  }

  find(name: string): Application | undefined {
    return toApplication(this.#byName.get(name) as Row | undefined);
  }

  get(appId: string): Application | undefined {
    return toApplication(this.#byId.get(appId) as Row | undefined);
  }

  /** Every key the application was given, revoked ones included, oldest first. */
  keys(appId: string): ApplicationKeyRecord[] {
    return (this.#keys.all(appId) as Row[]).map(toApplicationKey);
  }

  #register(input: ApplicationInput): Application {
    if (this.#byName.get(input.name))
      throw new StoreConflict(
        'ALREADY_REGISTERED',
        `an application named "${input.name}" is already registered.`,
      );
    const at = this.#context.now();
    const seq = Number((this.#nextSeq.get() as Row)['seq']);
    const appId = `APP-${String(seq).padStart(4, '0')}`;
    this.#insert.run(appId, seq, input.name, JSON.stringify(input.roles), at);
    this.#insertKey.run(
      input.key.keyId,
      'APPLICATION',
      appId,
      `${input.name} application`,
      input.key.secretHash,
      at,
    );
    this.#context.log({ ...input.log, subject: appId }, at);
    return this.get(appId) as Application;
  }

  #revoke(appId: string, keyId: string, entry: LogInput): ApplicationKeyRecord {
    const row = this.#key.get(appId, keyId) as Row | undefined;
    if (!row)
      throw new StoreConflict('NOT_FOUND', `application ${appId} has no API key ${keyId}`, {
        keyId,
      });
    if (row['revoked_at'] !== null) return toApplicationKey(row);
    const at = this.#context.now();
    this.#revokeKey.run(at, keyId);
    this.#context.log(entry, at);
    return toApplicationKey(this.#key.get(appId, keyId) as Row);
  }
}

function toApplicationKey(row: Row): ApplicationKeyRecord {
  return {
    keyId: str(row['key_id']),
    label: str(row['label']),
    createdAt: str(row['created_at']),
    revokedAt: strOrNull(row['revoked_at']),
  };
}

function toApplication(row: Row | undefined): Application | undefined {
  return row
    ? {
        appId: str(row['app_id']),
        name: str(row['name']),
        roles: JSON.parse(str(row['roles'])) as string[],
        createdAt: str(row['created_at']),
      }
    : undefined;
}
