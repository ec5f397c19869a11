import Database from 'better-sqlite3';
import type { DeviceDirectory, DeviceKind, DirectoryEntry } from './device-directory.js';

/** A device directory in a SQLite file, with a writer for seeding it. */
export interface SqliteDeviceDirectory extends DeviceDirectory {
  /** Replaces the directory's content with `entries`, in one transaction. */
  replaceAll(entries: Iterable<DirectoryEntry>): void;
  close(): void;
}

/** Opens (creating if needed) the directory database at `path`. */
export function openSqliteDirectory(path: string): SqliteDeviceDirectory {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS devices (
      identifier TEXT PRIMARY KEY,
      kind TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS holdings (
      identifier TEXT NOT NULL REFERENCES devices (identifier),
      system TEXT NOT NULL,
      PRIMARY KEY (identifier, system)
    ) STRICT, WITHOUT ROWID`);
  const select = db.prepare(`
    SELECT d.identifier, d.kind, (SELECT json_group_array(system) FROM (SELECT system FROM holdings h WHERE h.identifier = d.identifier ORDER BY system)) AS held_by
    FROM json_each(?) AS j JOIN devices AS d ON d.identifier = j.value`);
  const insertDevice = db.prepare('INSERT INTO devices (identifier, kind) VALUES (?, ?)');
  const insertHolding = db.prepare('INSERT INTO holdings (identifier, system) VALUES (?, ?)');
  const replace = db.transaction((entries: Iterable<DirectoryEntry>) => {
    db.exec('DELETE FROM holdings; DELETE FROM devices;');
    for (const entry of entries) {
      insertDevice.run(entry.id, entry.kind);
      for (const system of entry.heldBy) insertHolding.run(entry.id, system);
    }
  });
  return {
    lookup: (identifiers) => {
      const rows = select.all(JSON.stringify(identifiers)) as { identifier: string; kind: DeviceKind; held_by: string }[];
      return Promise.resolve(new Map(rows.map((r) => [r.identifier, { id: r.identifier, kind: r.kind, heldBy: JSON.parse(r.held_by) as string[] }])));
    },
    replaceAll: (entries) => replace(entries),
    close: () => db.close(),
  };
}
