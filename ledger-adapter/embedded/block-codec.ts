import { createHash } from 'node:crypto';
import type { TransactionCreator, TransactionOutcome } from '../contract-runtime.js';

/*
 * The on-disk form of a block. A block's data is one JSON text (stored as written, hashed as
 * stored); its header is the block number, the previous block's hash, the data's hash and the
 * commit time, and the block hash is SHA-256 of the header's JSON, which the node's key signs.
 */

/** The previous-hash of block 0. */
export const GENESIS_PREVIOUS_HASH = '0'.repeat(64);

/** A committed transaction as a block stores it (bytes as base64). */
export interface StoredTransaction {
  readonly txId: string;
  readonly transaction: string;
  readonly args: readonly string[];
  readonly creator: TransactionCreator;
  readonly timestamp: string;
  readonly result: string;
  /** `[key, [block, tx]]`, or `[key, null]` for a key that did not exist. */
  readonly reads: readonly (readonly [string, readonly [number, number] | null])[];
  /** `[key, base64 value]`, or `[key, null]` for a delete. */
  readonly writes: readonly (readonly [string, string | null])[];
  readonly event: { readonly name: string; readonly payload: string } | null;
}

/** What block 0 records about the ledger it starts. */
export interface GenesisInfo {
  readonly format: 1;
  readonly mspId: string;
  /** The node's public key (SPKI PEM) that signs every block. */
  readonly publicKey: string;
}

/** A block's data. */
export interface BlockData {
  readonly genesis?: GenesisInfo;
  readonly transactions: readonly StoredTransaction[];
}

/** A block's header fields, the part its hash covers. */
export interface BlockHeader {
  readonly number: number;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly timestamp: string;
}

/** A block as stored. */
export interface StoredBlock extends BlockHeader {
  readonly hash: string;
  readonly data: string;
  readonly signature: string;
}

/** SHA-256 hex. */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash of a block header. */
export function headerHash(header: BlockHeader): string {
  // Fixed member order: this text is what the hash covers.
  return sha256(JSON.stringify({ number: header.number, previousHash: header.previousHash, dataHash: header.dataHash, timestamp: header.timestamp }));
}

/** A transaction's input and outcome in the form a block stores. */
export function storeTransaction(
  input: { readonly txId: string; readonly transaction: string; readonly args: readonly string[]; readonly creator: TransactionCreator; readonly timestamp: Date },
  outcome: TransactionOutcome,
): StoredTransaction {
  return {
    txId: input.txId,
    transaction: input.transaction,
    args: [...input.args],
    creator: { mspId: input.creator.mspId, certificatePem: input.creator.certificatePem },
    timestamp: input.timestamp.toISOString(),
    result: Buffer.from(outcome.payload).toString('base64'),
    reads: outcome.reads.map((r) => [r.key, r.version === null ? null : [Number(r.version.blockNumber), r.version.txNumber]] as const),
    writes: outcome.writes.map((w) => [w.key, w.value === null ? null : Buffer.from(w.value).toString('base64')] as const),
    event: outcome.event === null ? null : { name: outcome.event.name, payload: Buffer.from(outcome.event.payload).toString('base64') },
  };
}

/** The JSON text of a block's data. */
export function encodeBlockData(data: BlockData): string {
  return JSON.stringify(data.genesis === undefined ? { transactions: data.transactions } : { genesis: data.genesis, transactions: data.transactions });
}

/** Parses a block's data text. @throws SyntaxError or TypeError when it is not block data */
export function decodeBlockData(text: string): BlockData {
  const data = JSON.parse(text) as BlockData;
  if (typeof data !== 'object' || data === null || !Array.isArray(data.transactions)) throw new TypeError('block data has no transactions array');
  return data;
}
