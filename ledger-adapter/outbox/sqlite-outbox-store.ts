import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { GridmarkError, prepareOwnerOnlyDatabase } from '../../schema/index.js';
import {
  isKeyed,
  recordKey,
  type OutboxKind,
  type OutboxRecord,
  type StoredRecord,
} from './outbox-records.js';

/** A record the ledger refused, kept for the operator and for reconciliation. */
export interface RefusedRecord extends StoredRecord {
  readonly code: string;
  readonly reason: string;
  readonly at: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS waiting (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    appended_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS refused (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS refused_key ON refused (key);
`;

type Row = { seq: number; key: string; kind: string; body: string };

/**
 * The outbox's file: one SQLite database (WAL) holding the records that wait for the ledger, in
 * the order they were appended, and those the ledger refused. An append is one committed
 * transaction before it returns, so it survives the process being killed at any later point
 * (synchronous NORMAL, as the billing book; an operating-system crash may lose the last few).
 * A recorded record is deleted: the ledger holds it now, and the file stays as small as the backlog.
 */
export class SqliteOutboxStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #page: Database.Statement;
  readonly #count: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #keepRefused: Database.Statement;
  readonly #refusedByKey: Database.Statement;
  readonly #append: (records: readonly OutboxRecord[]) => number;
  readonly #settle: (
    recorded: readonly number[],
    refused: readonly (StoredRecord & { code: string; reason: string })[],
  ) => void;

  /** Opens (creating) the outbox at `path`, or in memory for `:memory:`. */
  constructor(path: string) {
    try {
      prepareOwnerOnlyDatabase(path);
      this.#db = new Database(path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.exec(SCHEMA);
    } catch (error) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `The ledger outbox ${path} cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    this.#insert = this.#db.prepare(
      'INSERT INTO waiting (key, kind, body, appended_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    );
    this.#page = this.#db.prepare(
      'SELECT seq, key, kind, body FROM waiting WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#count = this.#db.prepare('SELECT COUNT(*) AS n FROM waiting');
    this.#delete = this.#db.prepare('DELETE FROM waiting WHERE seq = ?');
    this.#keepRefused = this.#db.prepare(
      'INSERT OR REPLACE INTO refused (seq, key, kind, body, code, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#refusedByKey = this.#db.prepare(
      'SELECT seq, key, kind, body, code, reason, at FROM refused WHERE key = ? ORDER BY seq DESC LIMIT 1',
    );
    this.#append = this.#db.transaction((records: readonly OutboxRecord[]) => {
      const at = new Date().toISOString();
      let added = 0;
      for (const record of records)
        added += this.#insert.run(
          isKeyed(record) ? recordKey(record) : `${record.kind}:${randomUUID()}`,
          record.kind,
          JSON.stringify(record.body),
          at,
        ).changes;
      return added;
    });
    this.#settle = this.#db.transaction(
      (
        recorded: readonly number[],
        refused: readonly (StoredRecord & { code: string; reason: string })[],
      ) => {
        const at = new Date().toISOString();
        for (const seq of recorded) this.#delete.run(seq);
        for (const r of refused) {
          this.#keepRefused.run(
            r.seq,
            r.key,
            r.record.kind,
            JSON.stringify(r.record.body),
            r.code,
            r.reason,
            at,
          );
          this.#delete.run(r.seq);
        }
      },
    );
  }

  /** Appends records in one transaction; those whose key waits already are skipped. Returns how many were added. */
  append(records: readonly OutboxRecord[]): number {
    return this.#append(records);
  }

  /** The records waiting after `afterSeq`, oldest first, at most `limit`. */
  waiting(limit: number, afterSeq = 0): StoredRecord[] {
    return (this.#page.all(afterSeq, limit) as Row[]).map((row) => ({
      seq: row.seq,
      key: row.key,
      record: recordOf(row),
    }));
  }

  /** How many records wait. */
  size(): number {
    return Number((this.#count.get() as { n: number }).n);
  }

  /** Removes recorded records and moves refused ones aside, in one transaction. */
  settle(
    recorded: readonly number[],
    refused: readonly (StoredRecord & { code: string; reason: string })[],
  ): void {
    this.#settle(recorded, refused);
  }

  /** The latest refusal of the record with this key, if the ledger refused it. */
  refusal(key: string): RefusedRecord | undefined {
    const row = this.#refusedByKey.get(key) as
      (Row & { code: string; reason: string; at: string }) | undefined;
    return row
      ? {
          seq: row.seq,
          key: row.key,
          record: recordOf(row),
          code: row.code,
          reason: row.reason,
          at: row.at,
        }
      : undefined;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** The record a row holds: the outbox wrote both columns from one record. */
function recordOf(row: Row): OutboxRecord {
  const body: unknown = JSON.parse(row.body);
  return { kind: row.kind as OutboxKind, body } as OutboxRecord;
}
