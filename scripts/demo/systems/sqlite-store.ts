import Database from 'better-sqlite3';
import type { DeviceBatchLoader, DeviceRecord } from '../../../subgraphs/index.js';

/** A demo business system's own SQLite database. */
export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) a business system's database in WAL mode, so its subgraph can read
 * while its own processes write.
 */
export function openSystemDatabase(
  path: string,
  options: { readonly readonly?: boolean } = {},
): SqliteDatabase {
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Every demo system keeps the same small mapping from device identifier to its own local code:
 * that is how a business system resolves an identifier internally.
 */
export function createIdentifierTable(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS device_identifiers (
    identifier TEXT PRIMARY KEY,
    local_code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
  ) STRICT`);
}

/** One row of a system's identifier table: what its operator registers or claims. */
export interface IdentifierHolding {
  readonly identifier: string;
  readonly localCode: string;
  readonly kind: string;
}

/** Every identifier the system holds, with its local code and device kind. */
export function listIdentifierHoldings(db: SqliteDatabase): IdentifierHolding[] {
  return db
    .prepare(
      'SELECT identifier, local_code AS localCode, kind FROM device_identifiers ORDER BY identifier',
    )
    .all() as IdentifierHolding[];
}

/**
 * A batch loader from one SQL statement. The statement takes the identifiers as one JSON array
 * parameter (`json_each(?)`), so any batch size is one query, and returns an `identifier` column
 * plus one column per shareable field, named as the field.
 */
export function sqliteBatchLoader(
  db: SqliteDatabase,
  sql: string,
  shape: (row: Record<string, unknown>) => DeviceRecord = (row) => row,
): DeviceBatchLoader {
  const statement = db.prepare(sql);
  return (identifiers) => {
    const rows = statement.all(JSON.stringify(identifiers)) as Record<string, unknown>[];
    const found = new Map<string, DeviceRecord>();
    for (const row of rows) found.set(String(row['identifier']), shape(row));
    return Promise.resolve(found);
  };
}

/** Runs `work` in one transaction after clearing the listed tables: seeding is all or nothing. */
export function reseed(db: SqliteDatabase, tables: readonly string[], work: () => void): void {
  db.transaction(() => {
    for (const table of tables) db.exec(`DELETE FROM ${table}`);
    work();
  })();
}
