import Database from 'better-sqlite3';

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

/**
 * The anchor journal: per (device, field), the salt and commitment last anchored on the ledger.
 * The subgraph reveals the salt of a field it serves, so the gateway can recompute the
 * commitment; the journal never leaves the business system otherwise.
 */
export interface AnchorJournal {
  /** Entries of these devices, keyed `<deviceId>\0<field>`. */
  lookup(deviceIds: readonly string[]): Map<string, JournalEntry>;
  record(entries: readonly JournalEntry[]): void;
  close(): void;
}

/** The journal key of one (device, field). */
export const journalKey = (deviceId: string, field: string): string => `${deviceId}\u0000${field}`;

/** Opens (creating if needed) a journal in a SQLite file, or in memory for `:memory:`. */
export function openAnchorJournal(path: string): AnchorJournal {
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
  const select = db.prepare('SELECT device_id AS deviceId, field, field_code AS fieldCode, salt, commitment, tx_id AS txId, anchored_at AS anchoredAt FROM json_each(?) AS j JOIN anchor_journal AS a ON a.device_id = j.value');
  const upsert = db.prepare('INSERT INTO anchor_journal VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, field) DO UPDATE SET field_code = excluded.field_code, salt = excluded.salt, commitment = excluded.commitment, tx_id = excluded.tx_id, anchored_at = excluded.anchored_at');
  const write = db.transaction((entries: readonly JournalEntry[]) => {
    for (const e of entries) upsert.run(e.deviceId, e.field, e.fieldCode, e.salt, e.commitment, e.txId, e.anchoredAt);
  });
  return {
    lookup: (deviceIds) => new Map((select.all(JSON.stringify(deviceIds)) as JournalEntry[]).map((e) => [journalKey(e.deviceId, e.field), e])),
    record: (entries) => write(entries),
    close: () => db.close(),
  };
}
