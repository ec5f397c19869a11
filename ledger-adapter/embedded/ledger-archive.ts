import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { GridmarkError, prepareOwnerOnlyDatabase } from '../../schema/index.js';
import { verifyLedgerFile, type VerifiedHead } from './chain-verifier.js';
import { lockLedgerFile } from './file-lock.js';
import { LEDGER_BASE_SCHEMA, ledgerBaseOf, type LedgerBase } from './ledger-base.js';
import { LedgerDatabase } from './ledger-database.js';

/*
 * Archiving and pruning an embedded ledger. An archive is a copy of the ledger file at its head
 * (SQLite's online backup: consistent while the ledger writes), verified on its own before it is
 * trusted. Pruning removes from the live file the blocks an archive holds, keeping block 0 and
 * recording where the chain goes on (`ledger_base`); `gridmark ledger verify --archive` then
 * verifies the archive and replays the remaining blocks on its state. Nothing is pruned that an
 * archive does not hold and verify.
 */

/** Options of {@link archiveLedger} and {@link pruneLedger}. */
export interface ArchiveOptions {
  /** The node key file block 0's key is compared with (as for verify). */
  readonly nodeKeyPath?: string;
  /** The archives the ledger (and so its new archive) needs to verify, if it was pruned before: oldest first. */
  readonly archives?: readonly string[];
}

/** A verified archive: where it ends and the digest of the state it ends with. */
export interface ArchiveReport {
  readonly path: string;
  readonly head: VerifiedHead;
  readonly stateDigest: string;
}

/**
 * Copies a ledger file, at its head, to `archivePath` (a new file, mode 0600) and verifies the copy.
 * The ledger may be open and writing meanwhile.
 *
 * @throws GridmarkError BAD_CONFIGURATION when `archivePath` exists (an archive is never overwritten)
 *   or the ledger file does not; LEDGER_TAMPERED when the copy does not verify
 */
export async function archiveLedger(
  path: string,
  archivePath: string,
  options: ArchiveOptions = {},
): Promise<ArchiveReport> {
  if (!existsSync(path)) throw new GridmarkError('BAD_CONFIGURATION', `No ledger file at ${path}.`);
  if (existsSync(archivePath))
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${archivePath} exists; an archive is written to a new file and never over another.`,
    );
  // The archive holds the books as the ledger does: its owner's only, from before the first byte is written.
  prepareOwnerOnlyDatabase(archivePath);
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    await source.backup(archivePath);
  } finally {
    source.close();
  }
  // An archive is at rest: one file, no WAL beside it.
  const archive = new Database(archivePath);
  try {
    archive.pragma('journal_mode = DELETE');
  } finally {
    archive.close();
  }
  return verifiedArchive(archivePath, options);
}

/** Verifies an archive on its own (with the archives before it). @throws GridmarkError LEDGER_TAMPERED when it does not verify */
async function verifiedArchive(
  archivePath: string,
  options: ArchiveOptions,
): Promise<ArchiveReport> {
  const report = await verifyLedgerFile(archivePath, options);
  if (!report.ok)
    throw new GridmarkError(
      'LEDGER_TAMPERED',
      `The archive ${archivePath} does not verify: ${report.problem}.`,
      { details: { path: archivePath, block: report.firstBadBlock, problem: report.problem } },
    );
  return { path: archivePath, head: report.head, stateDigest: report.stateDigest };
}

/**
 * Removes from a ledger file the blocks an archive of it holds (all but block 0, up to the
 * archive's head), after verifying the archive and that the file's chain goes through its head;
 * records the archive's head and state digest as the file's base. The ledger must not be open.
 * The pages freed are reused by later blocks; `VACUUM` returns them to the file system.
 *
 * @throws GridmarkError BAD_CONFIGURATION when the ledger is open in a process, or the archive is
 *   of another chain, ends at or beyond the file's head (a block after it must remain), or holds
 *   nothing the file has not pruned yet;
 *   LEDGER_TAMPERED when the archive does not verify
 */
export async function pruneLedger(
  path: string,
  archivePath: string,
  options: ArchiveOptions = {},
): Promise<LedgerBase & { readonly prunedBlocks: number }> {
  const lock = lockLedgerFile(path);
  try {
    const archive = await verifiedArchive(archivePath, options);
    const db = new Database(path, { fileMustExist: true });
    try {
      return pruneTo(db, path, archive);
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}

function pruneTo(
  db: Database.Database,
  path: string,
  archive: ArchiveReport,
): LedgerBase & { readonly prunedBlocks: number } {
  const { height, hash } = archive.head;
  const previous = ledgerBaseOf(db);
  if (previous !== undefined && previous.height >= height)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${path} is pruned up to block ${previous.height - 1} already; the archive ${archive.path} ends before that.`,
    );
  const row = db
    .prepare<[number], { hash: string | Buffer }>('SELECT hash FROM blocks WHERE number = ?')
    .get(height - 1);
  const held =
    row === undefined
      ? undefined
      : typeof row.hash === 'string'
        ? row.hash
        : row.hash.toString('hex');
  if (held !== hash) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The archive ${archive.path} ends at block ${height - 1} (${hash.slice(0, 16)}…), which ${path} ${held === undefined ? 'does not hold' : `holds with another hash (${held.slice(0, 16)}…): it is an archive of another chain`}.`,
    );
  }
  // The chain goes on in the file after the archive's head: a file left with block 0 alone would lose its height.
  if (
    db
      .prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM blocks WHERE number >= ?')
      .get(height)?.n === 0
  ) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${path} holds no block after the archive's head (block ${height - 1}); prune once the ledger has written on.`,
    );
  }
  const base: LedgerBase = {
    height,
    headHash: hash,
    stateDigest: archive.stateDigest,
    prunedAt: new Date().toISOString(),
  };
  // Pruning removes history, never state: the values the state table leaves to the blocks going are stored first.
  const ledger = new LedgerDatabase(path, { stateCacheBytes: 0 });
  try {
    ledger.storeValuesOfBlocksBefore(height);
  } finally {
    ledger.close();
  }
  const prune = db.transaction((): number => {
    db.exec(LEDGER_BASE_SCHEMA);
    db.prepare(
      'INSERT INTO ledger_base (height, head_hash, state_digest, pruned_at) VALUES (?, ?, ?, ?)',
    ).run(base.height, base.headHash, base.stateDigest, base.prunedAt);
    return db.prepare('DELETE FROM blocks WHERE number >= 1 AND number < ?').run(height).changes;
  });
  return { ...base, prunedBlocks: prune() };
}
