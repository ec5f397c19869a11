import Database from 'better-sqlite3';
import { BoundedMap, prepareOwnerOnlyDatabase } from '../../schema/index.js';

/** What a business system remembers of its last anchor of one (device, field). */
export interface JournalEntry {
  readonly deviceId: string;
  readonly field: string;
  readonly fieldCode: string;
  readonly salt: string;
  readonly commitment: string;
  readonly txId: string;
  readonly anchoredAt: string;
}

/** The journal entries of the devices one lookup asked for. */
export interface JournalView {
  get(deviceId: string, field: string): JournalEntry | undefined;
}

/**
 * The anchor journal: per (device, field), the salt and commitment last anchored on the ledger.
 * The subgraph reveals the salt of a field it serves, so the gateway can recompute the
 * commitment; the journal never leaves the business system otherwise.
 */
export interface AnchorJournal {
  /** The entries of these devices. */
  lookup(deviceIds: readonly string[]): JournalView;
  record(entries: readonly JournalEntry[]): void;
  close(): void;
}

/**
 * Opens (creating if needed) a journal in a SQLite file, or in memory for `:memory:`. The
 * process that opens it is its only writer: the entries of the devices read lately (up to
 * `cachedDevices`) are kept in memory, and a device's are dropped whenever it is recorded again,
 * so a subgraph serving the same devices reads the file once, not on every request.
 */
export function openAnchorJournal(path: string, cachedDevices = 100_000): AnchorJournal {
  // It holds the salts: readable by the system's own user only.
  prepareOwnerOnlyDatabase(path);
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS anchor_journal (
    device_id TEXT NOT NULL,
    field TEXT NOT NULL,
    field_code TEXT NOT NULL,
    salt TEXT NOT NULL,
    commitment TEXT NOT NULL,
    tx_id TEXT NOT NULL,
    anchored_at TEXT NOT NULL,
    PRIMARY KEY (device_id, field)
  ) STRICT, WITHOUT ROWID`);
  const select = db.prepare(
    'SELECT device_id AS deviceId, field, field_code AS fieldCode, salt, commitment, tx_id AS txId, anchored_at AS anchoredAt FROM json_each(?) AS j JOIN anchor_journal AS a ON a.device_id = j.value',
  );
  const upsert = db.prepare(
    'INSERT INTO anchor_journal VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, field) DO UPDATE SET field_code = excluded.field_code, salt = excluded.salt, commitment = excluded.commitment, tx_id = excluded.tx_id, anchored_at = excluded.anchored_at',
  );
  const write = db.transaction((entries: readonly JournalEntry[]) => {
    for (const e of entries)
      upsert.run(e.deviceId, e.field, e.fieldCode, e.salt, e.commitment, e.txId, e.anchoredAt);
  });
  const byDevice = new BoundedMap<string, ReadonlyMap<string, JournalEntry>>(cachedDevices);
  return {
    lookup: (deviceIds) => {
      const found = new Map<string, ReadonlyMap<string, JournalEntry>>();
      const missing: string[] = [];
      for (const id of deviceIds) {
        const entries = byDevice.get(id);
        if (entries) found.set(id, entries);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const read = new Map(missing.map((id) => [id, new Map<string, JournalEntry>()]));
        for (const entry of select.all(JSON.stringify(missing)) as JournalEntry[])
          read.get(entry.deviceId)?.set(entry.field, Object.freeze(entry));
        for (const [id, entries] of read) {
          found.set(id, entries);
          byDevice.set(id, entries);
        }
      }
      return { get: (deviceId, field) => found.get(deviceId)?.get(field) };
    },
    record: (entries) => {
      write(entries);
      for (const entry of entries) byDevice.delete(entry.deviceId);
    },
    close: () => db.close(),
  };
}
