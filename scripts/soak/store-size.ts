import Database from 'better-sqlite3';
import { statSync } from 'node:fs';

/** How big one SQLite store is. */
export interface StoreSize {
  /** The database file and its `-wal` and `-shm` files on disk. */
  readonly fileBytes: number;
  /** Of which the write-ahead log. */
  readonly walBytes: number;
  /**
   * Pages in use (page count less free pages, times the page size) as a reader sees the database,
   * write-ahead log included: what the file holds once the log is checkpointed. Unlike the files'
   * sizes, it does not jump when SQLite checkpoints or reuses its log.
   */
  readonly usedBytes: number;
}

const sizeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** Measures the SQLite store at `path` through a read-only connection (the owner may keep writing). */
export function measureStore(path: string): StoreSize {
  const walBytes = sizeOf(`${path}-wal`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const pragma = (name: string): number => Number(db.pragma(name, { simple: true }));
    const read = db.transaction(
      () => (pragma('page_count') - pragma('freelist_count')) * pragma('page_size'),
    );
    return {
      fileBytes: sizeOf(path) + walBytes + sizeOf(`${path}-shm`),
      walBytes,
      usedBytes: read(),
    };
  } finally {
    db.close();
  }
}

/** The ledger's and the billing book's sizes at one moment. */
export interface StoreSizes {
  readonly ledger: StoreSize;
  readonly book: StoreSize;
}

/** Measures the ledger and the book. */
export function measureStores(paths: {
  readonly ledgerPath: string;
  readonly billingPath: string;
}): StoreSizes {
  return { ledger: measureStore(paths.ledgerPath), book: measureStore(paths.billingPath) };
}
