/**
 * What the embedded ledger's rows hold, for the query-footprint benchmark: the blocks (their
 * headers and their compressed data apart) and the state records by kind (the composite key's
 * object type), each as the bytes of its columns. What the file grows by beyond these is SQLite's
 * own: cell and page headers, interior pages and the free space B-tree pages keep.
 */
import Database from 'better-sqlite3';

/** Rows and the bytes of their columns. */
export interface RowBytes {
  readonly rows: number;
  readonly bytes: number;
}

/** The ledger's rows by what they hold. */
export interface LedgerRecords {
  readonly blockHeaders: RowBytes;
  readonly blockData: RowBytes;
  /** State records by kind (`resolution`, `trade`, ...): key and value bytes. */
  readonly state: ReadonlyMap<string, RowBytes>;
}

// The kind of a composite key is what lies between its first two NUL characters.
const STATE_BY_KIND = `
  SELECT CASE WHEN substr(key, 1, 1) = x'00'
           THEN CAST(substr(key, 2, instr(substr(key, 2), x'00') - 1) AS TEXT)
           ELSE '(simple keys)' END AS kind,
         COUNT(*) AS rows, SUM(length(key) + length(value)) AS bytes
  FROM state GROUP BY kind`;

/** Reads a ledger file's rows by what they hold, through a read-only connection. */
export function measureLedgerRecords(path: string): LedgerRecords {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const read = db.transaction(() => {
      const blocks = db
        .prepare<[], { rows: number; header: number; data: number }>(
          `SELECT COUNT(*) AS rows,
             COALESCE(SUM(length(previous_hash) + length(data_hash) + length(hash) + length(timestamp) + length(signature)), 0) AS header,
             COALESCE(SUM(length(data)), 0) AS data
           FROM blocks`,
        )
        .get() ?? { rows: 0, header: 0, data: 0 };
      const state = db.prepare<[], { kind: string; rows: number; bytes: number }>(STATE_BY_KIND);
      return {
        blockHeaders: { rows: blocks.rows, bytes: blocks.header },
        blockData: { rows: blocks.rows, bytes: blocks.data },
        state: new Map(state.all().map((r) => [r.kind, { rows: r.rows, bytes: r.bytes }])),
      };
    });
    return read();
  } finally {
    db.close();
  }
}

/** One line of the breakdown: what grew, in rows and bytes per query. */
export interface RecordGrowth {
  readonly label: string;
  readonly rowsPerQuery: number;
  readonly bytesPerQuery: number;
}

const minus = (after: RowBytes | undefined, before: RowBytes | undefined): RowBytes => ({
  rows: (after?.rows ?? 0) - (before?.rows ?? 0),
  bytes: (after?.bytes ?? 0) - (before?.bytes ?? 0),
});

/**
 * What the ledger's rows grew by per query, largest first within blocks and state, and the rest
 * of the file's growth (`fileGrowth`, pages in use) as SQLite's own overhead.
 */
export function recordGrowth(
  before: LedgerRecords,
  after: LedgerRecords,
  fileGrowth: number,
  queries: number,
): RecordGrowth[] {
  const line = (label: string, grown: RowBytes): RecordGrowth => ({
    label,
    rowsPerQuery: grown.rows / queries,
    bytesPerQuery: grown.bytes / queries,
  });
  const kinds = new Set([...before.state.keys(), ...after.state.keys()]);
  const state = [...kinds]
    .map((kind) => line(`state: ${kind}`, minus(after.state.get(kind), before.state.get(kind))))
    .filter((l) => l.rowsPerQuery !== 0 || l.bytesPerQuery !== 0)
    .sort((a, b) => b.bytesPerQuery - a.bytesPerQuery);
  const lines = [
    line('block headers (hashes, time, signature)', minus(after.blockHeaders, before.blockHeaders)),
    line('block data (compressed)', minus(after.blockData, before.blockData)),
    ...state,
  ];
  const counted = lines.reduce((sum, l) => sum + l.bytesPerQuery, 0);
  return [
    ...lines,
    {
      label: 'SQLite: cells, pages, free space in B-tree pages',
      rowsPerQuery: 0,
      bytesPerQuery: fileGrowth / queries - counted,
    },
  ];
}
