import type Database from 'better-sqlite3';
import type { LogInput, OutboxEntry } from '../registry-store.js';
import type { RegistryLogEntry } from '../registry-types.js';
import { str, type Row } from './sqlite-rows.js';

/**
 * The registry log of the SQLite store: every change appends its entry in its own transaction.
 * A trigger refuses updates and deletes (migration 1).
 */
export class SqliteChangeLog {
  readonly #append: Database.Statement;
  readonly #after: Database.Statement;

  constructor(db: Database.Database) {
    this.#append = db.prepare(
      'INSERT INTO registry_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)',
    );
    this.#after = db.prepare('SELECT * FROM registry_log WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /** Appends one entry, at the time of the write it records. */
  append(entry: LogInput, at: string): void {
    this.#append.run(at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details));
  }

  /** Entries with `seq` greater than `after`, oldest first. */
  read(after: number, limit: number): RegistryLogEntry[] {
    return (this.#after.all(after, limit) as Row[]).map((r) => ({
      seq: Number(r['seq']),
      at: str(r['at']),
      actor: str(r['actor']),
      action: str(r['action']),
      subject: str(r['subject']),
      details: JSON.parse(str(r['details'])) as Record<string, unknown>,
    }));
  }
}

/**
 * The ledger outbox of the SQLite store: what the ledger must learn, recorded by triggers with
 * each change (migration 2) and removed once the ledger has it.
 */
export class SqliteLedgerOutbox {
  readonly #oldest: Database.Statement;
  readonly #done: Database.Statement;

  constructor(db: Database.Database) {
    this.#oldest = db.prepare('SELECT seq, kind, subject FROM ledger_outbox ORDER BY seq LIMIT ?');
    this.#done = db.prepare('DELETE FROM ledger_outbox WHERE seq <= ?');
  }

  /** The oldest pending entries. */
  batch(limit: number): OutboxEntry[] {
    return (this.#oldest.all(limit) as Row[]).map((r) => ({
      seq: Number(r['seq']),
      kind: str(r['kind']) as 'fields' | 'catalog',
      subject: str(r['subject']),
    }));
  }

  /** Removes the entries up to and including `seq`. */
  done(seq: number): void {
    this.#done.run(seq);
  }
}
