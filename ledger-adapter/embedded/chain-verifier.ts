import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ContractRunner } from '../contract-runtime.js';
import {
  compareKeys,
  createContractRunner,
  displayKey,
  MemoryWorldState,
} from '../runtime/index.js';
import { GridmarkError } from '../../schema/index.js';
import {
  decodeBlockData,
  GENESIS_PREVIOUS_HASH,
  headerHash,
  matchesOutcome,
  sha256,
  type BlockData,
  type StoredTransaction,
  type StoredBlock,
} from './block-codec.js';
import { LedgerDatabase } from './ledger-database.js';
import { loadNodeKey, locateNodeKey, verifyBlockSignature } from './node-key.js';
import { keyFingerprint } from '../checkpoints/index.js';
import { readLedgerBase, type LedgerBase } from './ledger-base.js';
import { stateDigest } from './state-digest.js';

/** The head of a chain that verified. */
export interface VerifiedHead {
  /** The number of blocks; the head is block `height - 1`. */
  readonly height: number;
  /** The hash of the head block. */
  readonly hash: string;
  /** The fingerprint of the key that signs every block (block 0's), `sha256:<hex>`. */
  readonly keyId: string;
}

/** What {@link verifyLedgerFile} found. */
export type ChainReport =
  | {
      readonly ok: true;
      readonly blocks: number;
      readonly transactions: number;
      readonly stateKeys: number;
      /** True when block 0's key was compared with the node key file (`keyFile`), which was there. */
      readonly keyFileChecked: boolean;
      readonly keyFile: string;
      readonly head: VerifiedHead;
      /** The digest of the replayed state, which the state table matches (state-digest.ts). */
      readonly stateDigest: string;
      /** Where a pruned file starts again after block 0; its archives verified the blocks before. */
      readonly base?: LedgerBase;
    }
  | {
      readonly ok: false;
      /** The first block that does not check out, or null when the blocks do and the state table does not match them. */
      readonly firstBadBlock: number | null;
      readonly problem: string;
      readonly blocks: number;
      readonly keyFileChecked: boolean;
      /** True when SQLite could not read the file (damaged, a table missing, no permission) rather than the chain not checking out. */
      readonly damaged: boolean;
    };

/** Options of {@link verifyLedgerFile}. */
export interface VerifyOptions {
  /** Re-execute every transaction with the contract and compare its outcome. Default true. */
  readonly reexecute?: boolean;
  /** The node key file to compare block 0's key with. Default: where the ledger finds its key (`locateNodeKey`). */
  readonly nodeKeyPath?: string;
  /** Called after each block that checked out (progress), with its hash. */
  readonly onBlock?: (number: number, hash: string) => void;
  /**
   * The archives of a pruned file, oldest first: the last holds the blocks the file no longer
   * has, and is verified first (on top of the ones before it when it was pruned itself).
   */
  readonly archives?: readonly string[];
}

/** The state a pruned file's remaining blocks are replayed on: its archive's, verified. */
interface Start {
  readonly base: LedgerBase;
  readonly state: MemoryWorldState;
  /** Block 0's hash in the archive: the file's block 0 must be the same. */
  readonly genesisHash: string;
}

const decode = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/** How far a walk got: the blocks that checked out, and whether it reached the state table. */
interface Walk {
  blocks: number;
  phase: 'open' | 'blocks' | 'state';
  keyFileChecked: boolean;
}

/**
 * Re-walks an embedded ledger file: block numbers in sequence, each block's previous hash, data
 * hash, header hash and signature (against the public key of block 0, which must also be the key
 * of the node key file when that file is present), then replays every transaction's writes (and,
 * by default, re-executes it with the contract and compares) and compares the replayed state with
 * the file's state table. A file SQLite cannot read (damaged, a table missing, no permission) is
 * reported as not verifying, `damaged`.
 *
 * @throws GridmarkError BAD_CONFIGURATION when there is no file at `path`, or the node key file is unreadable or exposed
 */
export async function verifyLedgerFile(
  path: string,
  options: VerifyOptions = {},
): Promise<ChainReport> {
  if (!existsSync(path)) throw new GridmarkError('BAD_CONFIGURATION', `No ledger file at ${path}.`);
  return (await verifyFile(path, options)).report;
}

/** Verifies a file, and gives the replayed state of one that verifies. */
async function verifyFile(
  path: string,
  options: VerifyOptions,
): Promise<{ report: ChainReport; state?: MemoryWorldState }> {
  const walk: Walk = { blocks: 0, phase: 'open', keyFileChecked: false };
  let database: LedgerDatabase | undefined;
  try {
    database = new LedgerDatabase(path, { readonly: true });
    const base = readLedgerBase(path);
    const start = base === undefined ? undefined : await startOf(path, base, options);
    if (typeof start === 'string')
      return {
        report: {
          ok: false,
          firstBadBlock: base?.height ?? null,
          problem: start,
          blocks: 0,
          keyFileChecked: false,
          damaged: false,
        },
      };
    return await verifyDatabase(database, path, options, walk, start);
  } catch (error) {
    if (!isDatabaseError(error)) throw error;
    const what = { open: 'the file', blocks: `block ${walk.blocks}`, state: 'the state table' }[
      walk.phase
    ];
    const problem = `SQLite cannot read ${what} (${error.code}: ${error.message})`;
    return {
      report: {
        ok: false,
        firstBadBlock: walk.phase === 'blocks' ? walk.blocks : null,
        problem,
        blocks: walk.blocks,
        keyFileChecked: walk.keyFileChecked,
        damaged: true,
      },
    };
  } finally {
    database?.close();
  }
}

/**
 * The state a pruned file starts from: its last archive verified (on top of the archives before
 * it), ending where the file's base says, with the state digest the base recorded; or what is wrong.
 *
 * @throws GridmarkError BAD_CONFIGURATION when no archive is given for a pruned file
 */
async function startOf(
  path: string,
  base: LedgerBase,
  options: VerifyOptions,
): Promise<Start | string> {
  const archives = options.archives ?? [];
  const archive = archives.at(-1);
  if (archive === undefined) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${path} was pruned on ${base.prunedAt}: blocks 1 to ${base.height - 1} are in its archive. Verify it with that archive (--archive), whose state digest is ${base.stateDigest}.`,
    );
  }
  const { report, state } = await verifyFile(archive, {
    ...options,
    archives: archives.slice(0, -1),
    onBlock: undefined,
  });
  if (!report.ok || state === undefined)
    return `its archive ${archive} does not verify: ${report.ok ? 'no state' : report.problem}`;
  if (report.head.height !== base.height || report.head.hash !== base.headHash)
    return `its archive ${archive} ends at height ${report.head.height} (${report.head.hash.slice(0, 16)}…), not where the file was pruned, height ${base.height} (${base.headHash.slice(0, 16)}…)`;
  if (report.stateDigest !== base.stateDigest)
    return `its archive ${archive} ends with another state than the file was pruned on (digest ${report.stateDigest}, not ${base.stateDigest})`;
  const archived = new LedgerDatabase(archive, { readonly: true });
  try {
    return { base, state, genesisHash: (archived.block(0) as StoredBlock).hash };
  } finally {
    archived.close();
  }
}

/** An error SQLite raised about the file (better-sqlite3's codes all start with SQLITE_). */
function isDatabaseError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

async function verifyDatabase(
  database: LedgerDatabase,
  path: string,
  options: VerifyOptions,
  walk: Walk,
  start: Start | undefined,
): Promise<{ report: ChainReport; state?: MemoryWorldState }> {
  const runner: ContractRunner | undefined =
    options.reexecute === false ? undefined : createContractRunner();
  let state = new MemoryWorldState();
  const keyFile = locateNodeKey(path, options.nodeKeyPath).path;
  walk.keyFileChecked = existsSync(keyFile);
  walk.phase = 'blocks';
  let publicKey: KeyObject | undefined;
  let previousHash = GENESIS_PREVIOUS_HASH;
  let transactions = 0;
  const fail = (firstBadBlock: number | null, problem: string): { report: ChainReport } => ({
    report: {
      ok: false,
      firstBadBlock,
      problem,
      blocks: walk.blocks,
      keyFileChecked: walk.keyFileChecked,
      damaged: false,
    },
  });

  for (;;) {
    const blocks = database.blocks(walk.blocks, 256);
    if (blocks.length === 0) break;
    for (const block of blocks) {
      const checked = checkBlock(
        block,
        walk.blocks,
        previousHash,
        publicKey,
        walk.keyFileChecked ? keyFile : undefined,
      );
      if (typeof checked === 'string') return fail(walk.blocks, checked);
      publicKey = checked.publicKey;
      for (const [txNumber, tx] of checked.data.transactions.entries()) {
        const problem = await replayTransaction(state, runner, tx, block.number, txNumber);
        if (problem !== undefined) return fail(block.number, problem);
        transactions += 1;
      }
      previousHash = block.hash;
      walk.blocks = block.number + 1;
      options.onBlock?.(block.number, block.hash);
      if (block.number === 0 && start !== undefined) {
        // A pruned file goes on from its archive's head, on its archive's state.
        if (block.hash !== start.genesisHash)
          return fail(0, 'its archive starts with another block 0');
        ({ state } = start);
        previousHash = start.base.headHash;
        walk.blocks = start.base.height;
        break;
      }
    }
  }
  if (walk.blocks === 0 || publicKey === undefined) return fail(0, 'the file holds no blocks');

  walk.phase = 'state';
  const problem = stateProblem(database, state);
  if (problem !== undefined) return fail(null, problem);
  const head = { height: walk.blocks, hash: previousHash, keyId: keyFingerprint(publicKey) };
  const entries = state.entries();
  const digest = stateDigest(entries.map(([key, entry]) => ({ key, ...entry })));
  const report: ChainReport = {
    ok: true,
    blocks: walk.blocks,
    transactions,
    stateKeys: entries.length,
    keyFileChecked: walk.keyFileChecked,
    keyFile,
    head,
    stateDigest: digest,
    ...(start ? { base: start.base } : {}),
  };
  return { report, state };
}

/**
 * Checks one block's number, link, hashes and signature; returns its data and the chain's key
 * (read from block 0, and compared with `keyFile` when given), or what is wrong.
 */
function checkBlock(
  block: StoredBlock,
  expected: number,
  previousHash: string,
  publicKey: KeyObject | undefined,
  keyFile: string | undefined,
): string | { data: BlockData; publicKey: KeyObject } {
  if (block.number !== expected) return `block ${expected} is missing`;
  if (block.previousHash !== previousHash)
    return `block ${block.number} does not link to block ${block.number - 1} (previous hash differs)`;
  if (sha256(block.data) !== block.dataHash)
    return `block ${block.number}'s data does not match its data hash`;
  if (headerHash(block) !== block.hash)
    return `block ${block.number}'s header does not match its hash`;
  let data: BlockData;
  try {
    data = decodeBlockData(block.data);
  } catch {
    return `block ${block.number}'s data is not block data`;
  }
  let key = publicKey;
  if (block.number === 0) {
    if (!data.genesis) return 'block 0 does not record the node key';
    try {
      key = createPublicKey(data.genesis.publicKey);
    } catch {
      return 'block 0 records a node key that is not a public key';
    }
    if (
      keyFile !== undefined &&
      loadNodeKey(keyFile, false).publicKeyPem !== data.genesis.publicKey
    )
      return `block 0 records another key than the node key file ${keyFile}`;
  }
  if (!key || !verifyBlockSignature(key, block.hash, block.signature))
    return `block ${block.number}'s signature is not the node's`;
  return { data, publicKey: key };
}

/**
 * Compares the replayed state with the file's state table, key by key and version by version. A
 * value the table leaves to its block is the one the replay took from that block's transaction,
 * so its version is what there is to compare.
 */
function stateProblem(database: LedgerDatabase, state: MemoryWorldState): string | undefined {
  const replayed = state.entries();
  let i = 0;
  for (const row of database.storedState()) {
    const [key, entry] = replayed[i] ?? [];
    if (key !== row.key) {
      return `the state table holds ${displayKey(row.key)}, which the chain ${key === undefined || compareKeys(key, row.key) > 0 ? 'never wrote' : `does not end with; it lacks ${displayKey(key)}`}`;
    }
    if (
      !entry ||
      (row.value !== undefined && Buffer.compare(entry.value, row.value) !== 0) ||
      entry.version.blockNumber !== row.version.blockNumber ||
      entry.version.txNumber !== row.version.txNumber
    ) {
      return `the state table's value of ${displayKey(row.key)} is not what block ${entry?.version.blockNumber ?? '?'} wrote`;
    }
    i += 1;
  }
  if (i < replayed.length)
    return `the state table lacks ${displayKey(replayed[i]?.[0] ?? '')}, which block ${replayed[i]?.[1].version.blockNumber ?? '?'} wrote`;
  return undefined;
}

async function replayTransaction(
  state: MemoryWorldState,
  runner: ContractRunner | undefined,
  tx: StoredTransaction,
  block: number,
  txNumber: number,
): Promise<string | undefined> {
  const writes = tx.writes.map(([key, value]) => ({
    key,
    value: value === null ? null : decode(value),
  }));
  // Transactions of the first layout were written by the contract before compact records, whose
  // writes today's contract does not reproduce: they are replayed from their recorded writes.
  if (runner && tx.layout === 2) {
    const outcome = await runner(state, {
      transaction: tx.transaction,
      args: tx.args,
      txId: tx.txId,
      timestamp: new Date(tx.timestamp),
      creator: tx.creator,
    });
    if (!matchesOutcome(tx, outcome))
      return `block ${block} transaction ${txNumber} (${tx.txId.slice(0, 16)}, ${tx.transaction}) does not replay to the outcome it records`;
  }
  state.apply(writes, { blockNumber: BigInt(block), txNumber });
  return undefined;
}
