import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ContractRunner } from '../contract-runtime.js';
import { compareKeys, createContractRunner, displayKey, MemoryWorldState } from '../runtime/index.js';
import { GridmarkError } from '../../schema/errors.js';
import { decodeBlockData, GENESIS_PREVIOUS_HASH, headerHash, sha256, type BlockData, type StoredTransaction } from './block-codec.js';
import { LedgerDatabase } from './ledger-database.js';
import { loadNodeKey, nodeKeyPath, verifyBlockSignature } from './node-key.js';

/** What {@link verifyLedgerFile} found. */
export type ChainReport =
  | { readonly ok: true; readonly blocks: number; readonly transactions: number; readonly stateKeys: number; readonly keyFileChecked: boolean }
  | {
      readonly ok: false;
      /** The first block that does not check out, or null when the blocks do and the state table does not match them. */
      readonly firstBadBlock: number | null;
      readonly problem: string;
      readonly blocks: number;
      readonly keyFileChecked: boolean;
    };

/** Options of {@link verifyLedgerFile}. */
export interface VerifyOptions {
  /** Re-execute every transaction with the contract and compare its outcome. Default true. */
  readonly reexecute?: boolean;
  /** Called after each block (progress). */
  readonly onBlock?: (number: number) => void;
}

const decode = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/**
 * Re-walks an embedded ledger file: block numbers in sequence, each block's previous hash, data
 * hash, header hash and signature (against the public key of block 0, which must also be the key
 * of the node key file beside the database when that file is present), then replays every
 * transaction's writes (and, by default, re-executes it with the contract and compares) and
 * compares the replayed state with the file's state table.
 *
 * @throws GridmarkError BAD_CONFIGURATION when the file does not exist or is not a ledger
 */
export async function verifyLedgerFile(path: string, options: VerifyOptions = {}): Promise<ChainReport> {
  if (!existsSync(path)) throw new GridmarkError('BAD_CONFIGURATION', `No ledger file at ${path}.`);
  let database: LedgerDatabase;
  try {
    database = new LedgerDatabase(path, { readonly: true });
    database.height();
  } catch (error) {
    throw new GridmarkError('BAD_CONFIGURATION', `${path} is not an embedded ledger file.`, { cause: error });
  }
  try {
    return await verifyDatabase(database, path, options);
  } finally {
    database.close();
  }
}

async function verifyDatabase(database: LedgerDatabase, path: string, options: VerifyOptions): Promise<ChainReport> {
  const runner: ContractRunner | undefined = options.reexecute === false ? undefined : createContractRunner();
  const state = new MemoryWorldState();
  const keyFile = nodeKeyPath(path);
  const keyFileChecked = existsSync(keyFile);
  let publicKey: KeyObject | undefined;
  let previousHash = GENESIS_PREVIOUS_HASH;
  let expected = 0;
  let transactions = 0;
  const fail = (firstBadBlock: number | null, problem: string): ChainReport => ({ ok: false, firstBadBlock, problem, blocks: expected, keyFileChecked });

  for (;;) {
    const blocks = database.blocks(expected, 256);
    if (blocks.length === 0) break;
    for (const block of blocks) {
      if (block.number !== expected) return fail(expected, `block ${expected} is missing`);
      if (block.previousHash !== previousHash) return fail(block.number, `block ${block.number} does not link to block ${block.number - 1} (previous hash differs)`);
      if (sha256(block.data) !== block.dataHash) return fail(block.number, `block ${block.number}'s data does not match its data hash`);
      if (headerHash(block) !== block.hash) return fail(block.number, `block ${block.number}'s header does not match its hash`);
      let data: BlockData;
      try {
        data = decodeBlockData(block.data);
      } catch {
        return fail(block.number, `block ${block.number}'s data is not block data`);
      }
      if (block.number === 0) {
        if (!data.genesis) return fail(0, 'block 0 does not record the node key');
        publicKey = createPublicKey(data.genesis.publicKey);
        if (keyFileChecked && loadNodeKey(keyFile, false).publicKeyPem !== data.genesis.publicKey) {
          return fail(0, 'block 0 records another key than the node key file beside the database');
        }
      }
      if (!publicKey || !verifyBlockSignature(publicKey, block.hash, block.signature)) return fail(block.number, `block ${block.number}'s signature is not the node's`);
      for (const [txNumber, tx] of data.transactions.entries()) {
        const problem = await replayTransaction(state, runner, tx, block.number, txNumber);
        if (problem !== undefined) return fail(block.number, problem);
        transactions += 1;
      }
      previousHash = block.hash;
      expected = block.number + 1;
      options.onBlock?.(block.number);
    }
  }
  if (expected === 0) return fail(0, 'the file holds no blocks');

  const replayed = state.entries();
  let i = 0;
  for (const row of database.allState()) {
    const [key, entry] = replayed[i] ?? [];
    if (key !== row.key) {
      return fail(null, `the state table holds ${displayKey(row.key)}, which the chain ${key === undefined || compareKeys(key, row.key) > 0 ? 'never wrote' : `does not end with; it lacks ${displayKey(key)}`}`);
    }
    if (!entry || Buffer.compare(entry.value, row.value) !== 0 || entry.version.blockNumber !== row.version.blockNumber || entry.version.txNumber !== row.version.txNumber) {
      return fail(null, `the state table's value of ${displayKey(row.key)} is not what block ${entry?.version.blockNumber ?? '?'} wrote`);
    }
    i += 1;
  }
  if (i < replayed.length) return fail(null, `the state table lacks ${displayKey(replayed[i]?.[0] ?? '')}, which block ${replayed[i]?.[1].version.blockNumber ?? '?'} wrote`);
  return { ok: true, blocks: expected, transactions, stateKeys: replayed.length, keyFileChecked };
}

async function replayTransaction(state: MemoryWorldState, runner: ContractRunner | undefined, tx: StoredTransaction, block: number, txNumber: number): Promise<string | undefined> {
  const writes = tx.writes.map(([key, value]) => ({ key, value: value === null ? null : decode(value) }));
  if (runner) {
    const outcome = await runner(state, { transaction: tx.transaction, args: tx.args, txId: tx.txId, timestamp: new Date(tx.timestamp), creator: tx.creator });
    const same =
      outcome.status === 'OK' &&
      Buffer.from(outcome.payload).toString('base64') === tx.result &&
      JSON.stringify(outcome.writes.map((w) => [w.key, w.value === null ? null : Buffer.from(w.value).toString('base64')])) === JSON.stringify(tx.writes) &&
      JSON.stringify(outcome.event && { name: outcome.event.name, payload: Buffer.from(outcome.event.payload).toString('base64') }) === JSON.stringify(tx.event);
    if (!same) return `block ${block} transaction ${txNumber} (${tx.txId.slice(0, 16)}, ${tx.transaction}) does not replay to the outcome it records`;
  }
  state.apply(writes, { blockNumber: BigInt(block), txNumber });
  return undefined;
}
