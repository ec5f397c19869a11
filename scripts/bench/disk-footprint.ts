/**
 * What the ledger and the billing book hold, table by table: the bytes of the SQLite pages each
 * table and index uses (SQLite's `dbstat`), read through a read-only connection so that a file
 * open in another connection, its WAL included, is measured as that connection sees it.
 */
import Database from 'better-sqlite3';

/** Bytes of pages in use per table or index, and in all. */
export interface TableFootprint {
  readonly total: number;
  readonly byTable: ReadonlyMap<string, number>;
}

/** The pages each table and index of a SQLite file uses. */
export function measureTables(path: string): TableFootprint {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], { name: string; bytes: number }>(
        'SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name',
      )
      .all();
    const byTable = new Map(rows.map((r) => [r.name, r.bytes]));
    return { total: rows.reduce((sum, r) => sum + r.bytes, 0), byTable };
  } finally {
    db.close();
  }
}

/** The growth of each table between two measurements, largest first. */
export function growth(
  before: TableFootprint,
  after: TableFootprint,
): { readonly total: number; readonly byTable: readonly (readonly [string, number])[] } {
  const names = new Set([...before.byTable.keys(), ...after.byTable.keys()]);
  const byTable = [...names]
    .map(
      (name) => [name, (after.byTable.get(name) ?? 0) - (before.byTable.get(name) ?? 0)] as const,
    )
    .filter(([, bytes]) => bytes !== 0);
  byTable.sort((a, b) => b[1] - a[1]);
  return { total: after.total - before.total, byTable };
}
