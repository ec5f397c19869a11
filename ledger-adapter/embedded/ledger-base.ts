import Database from 'better-sqlite3';

/*
 * Where a pruned chain starts again. Pruning removes blocks 1 to `height - 1` of a ledger file
 * once an archive holds them (block 0, with the node's key, stays); the file records, in
 * `ledger_base`, the archive's head and the digest of the state it ends with, so that the
 * remaining blocks verify on top of that archive.
 */

/** What a pruned ledger file records about the blocks it no longer holds. */
export interface LedgerBase {
  /** The first block kept after block 0: blocks 1 to `height - 1` are in the archive. */
  readonly height: number;
  /** The hash of block `height - 1`, the archive's head; block `height` links to it. */
  readonly headHash: string;
  /** The digest (state-digest.ts) of the state after block `height - 1`, the archive's state. */
  readonly stateDigest: string;
  /** When the blocks were pruned. */
  readonly prunedAt: string;
}

/** The table a pruned file records its base in; a row per pruning, the latest is the base. */
export const LEDGER_BASE_SCHEMA = `CREATE TABLE IF NOT EXISTS ledger_base (
  height INTEGER NOT NULL PRIMARY KEY,
  head_hash TEXT NOT NULL,
  state_digest TEXT NOT NULL,
  pruned_at TEXT NOT NULL
)`;

/** The latest base of an open ledger file, or undefined when none of its blocks were pruned. */
export function ledgerBaseOf(db: Database.Database): LedgerBase | undefined {
  const exists =
    db
      .prepare<[], { n: number }>(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'ledger_base'",
      )
      .get()?.n === 1;
  if (!exists) return undefined;
  const row = db
    .prepare<[], { height: number; head_hash: string; state_digest: string; pruned_at: string }>(
      'SELECT height, head_hash, state_digest, pruned_at FROM ledger_base ORDER BY height DESC LIMIT 1',
    )
    .get();
  return row === undefined
    ? undefined
    : {
        height: row.height,
        headHash: row.head_hash,
        stateDigest: row.state_digest,
        prunedAt: row.pruned_at,
      };
}

/** The latest base of a ledger file (opened read-only for the question), or undefined. */
export function readLedgerBase(path: string): LedgerBase | undefined {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return ledgerBaseOf(db);
  } finally {
    db.close();
  }
}
