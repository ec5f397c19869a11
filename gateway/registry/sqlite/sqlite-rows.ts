import type Database from 'better-sqlite3';
import type { LogInput } from '../registry-store.js';

/** A row as better-sqlite3 returns it, before it is read into a registry type. */
export type Row = Record<string, unknown>;

/** A column read as text. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** A nullable column read as text or null. */
export const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : str(v);

/** What every part of the SQLite registry store shares. */
export interface SqliteStoreContext {
  readonly db: Database.Database;
  /** The time of a write, as stored (ISO 8601). */
  readonly now: () => string;
  /** Appends a registry log entry, inside the caller's transaction. */
  readonly log: (entry: LogInput, at: string) => void;
}
