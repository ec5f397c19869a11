import { createHash } from 'node:crypto';
import type {
  TransactionCreator,
  TransactionInput,
  TransactionOutcome,
} from '../contract-runtime.js';

/*
 * The on-disk form of a block. A block's data is one JSON text, hashed as that text; its header
 * is the block number, the previous block's hash, the data's hash and the commit time, and the
 * block hash is SHA-256 of the header's JSON, which the node's key signs. How the text is kept
 * in the file (compressed or not, see block-compression.ts) is not part of what is hashed.
 *
 * Two layouts of the text exist, and both decode to the same StoredTransaction:
 * - the first (no `txFormat`): bytes as base64, each transaction with its creator and result;
 * - `txFormat: 2`: values and event payloads as the UTF-8 text they are (`{ "base64": ... }` only
 *   for bytes that are not UTF-8), the block's creators listed once and referenced by index, and
 *   each transaction's result recorded by its SHA-256 (re-execution recomputes the result).
 */

/** The previous-hash of block 0. */
export const GENESIS_PREVIOUS_HASH = '0'.repeat(64);

/** The layout new blocks are written in. */
export const BLOCK_TX_FORMAT = 2;

/** A committed transaction as decoded from a block (bytes as base64). */
export interface StoredTransaction {
  /**
   * The layout its block was written in: 1 by the contract before compact records (its writes are
   * not what today's contract writes, so it is replayed from its recorded writes, not
   * re-executed), 2 since.
   */
  readonly layout: 1 | 2;
  readonly txId: string;
  readonly transaction: string;
  readonly args: readonly string[];
  readonly creator: TransactionCreator;
  readonly timestamp: string;
  /** The result (base64), in blocks of the first layout; later blocks record only its hash. */
  readonly result?: string;
  /** SHA-256 (hex) of the result. */
  readonly resultHash: string;
  /** `[key, [block, tx]]`, or `[key, null]` for a key that did not exist. */
  readonly reads: readonly (readonly [string, readonly [number, number] | null])[];
  /** `[key, base64 value]`, or `[key, null]` for a delete. */
  readonly writes: readonly (readonly [string, string | null])[];
  readonly event: { readonly name: string; readonly payload: string } | null;
}

/** A transaction about to be written: its input and outcome, bytes as they are. */
export interface TransactionRecord {
  readonly txId: string;
  readonly transaction: string;
  readonly args: readonly string[];
  readonly creator: TransactionCreator;
  readonly timestamp: string;
  readonly resultHash: string;
  readonly reads: readonly (readonly [string, readonly [number, number] | null])[];
  readonly writes: readonly { readonly key: string; readonly value: Uint8Array | null }[];
  readonly event: { readonly name: string; readonly payload: Uint8Array } | null;
}

/** What block 0 records about the ledger it starts. */
export interface GenesisInfo {
  readonly format: 1;
  readonly mspId: string;
  /** The node's public key (SPKI PEM) that signs every block. */
  readonly publicKey: string;
}

/** A block's data, decoded. */
export interface BlockData {
  readonly genesis?: GenesisInfo;
  readonly transactions: readonly StoredTransaction[];
}

/** A block's data as it is written. */
export interface NewBlockData {
  readonly genesis?: GenesisInfo;
  readonly transactions: readonly TransactionRecord[];
}

/** A block header's fields, the part its hash covers. */
export interface BlockHeader {
  readonly number: number;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly timestamp: string;
}

/** A block as stored: `data` is its data text. */
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
  return sha256(
    JSON.stringify({
      number: header.number,
      previousHash: header.previousHash,
      dataHash: header.dataHash,
      timestamp: header.timestamp,
    }),
  );
}

/** A transaction's input and outcome in the form a block records. */
export function storeTransaction(
  input: Pick<TransactionInput, 'txId' | 'transaction' | 'args' | 'creator' | 'timestamp'>,
  outcome: TransactionOutcome,
): TransactionRecord {
  return {
    txId: input.txId,
    transaction: input.transaction,
    args: input.args,
    creator: input.creator,
    timestamp: input.timestamp.toISOString(),
    resultHash: sha256(outcome.payload),
    reads: outcome.reads.map(
      (r) =>
        [
          r.key,
          r.version === null ? null : [Number(r.version.blockNumber), r.version.txNumber],
        ] as const,
    ),
    writes: outcome.writes,
    event: outcome.event,
  };
}

/** A value as the second layout writes it: its UTF-8 text, or `{ base64 }` for other bytes. */
type EncodedBytes = string | { readonly base64: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encodeBytes(bytes: Uint8Array): EncodedBytes {
  try {
    // A fatal decoder turns valid UTF-8 into text that encodes back to the same bytes, and throws on anything else.
    return utf8.decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') };
  }
}

function decodeBytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { base64?: unknown }).base64 === 'string'
  )
    return Buffer.from((value as { base64: string }).base64, 'base64');
  throw new TypeError('block data holds a value that is neither text nor base64');
}

/** The JSON text of a new block's data, in the current layout. */
export function encodeBlockData(data: NewBlockData): string {
  const creators: TransactionCreator[] = [];
  const creatorIndex = (creator: TransactionCreator): number => {
    let i = creators.findIndex(
      (c) => c.mspId === creator.mspId && c.certificatePem === creator.certificatePem,
    );
    if (i < 0)
      i = creators.push({ mspId: creator.mspId, certificatePem: creator.certificatePem }) - 1;
    return i;
  };
  const transactions = data.transactions.map((tx) => ({
    txId: tx.txId,
    transaction: tx.transaction,
    args: tx.args,
    creator: creatorIndex(tx.creator),
    timestamp: tx.timestamp,
    resultHash: tx.resultHash,
    reads: tx.reads,
    writes: tx.writes.map((w) => [w.key, w.value === null ? null : encodeBytes(w.value)]),
    event:
      tx.event === null ? null : { name: tx.event.name, payload: encodeBytes(tx.event.payload) },
  }));
  return JSON.stringify(
    data.genesis === undefined
      ? { txFormat: BLOCK_TX_FORMAT, creators, transactions }
      : { txFormat: BLOCK_TX_FORMAT, genesis: data.genesis, creators, transactions },
  );
}

/** The second layout's transaction as parsed. */
interface EncodedTransaction {
  readonly txId: string;
  readonly transaction: string;
  readonly args: readonly string[];
  readonly creator: number;
  readonly timestamp: string;
  readonly resultHash: string;
  readonly reads: StoredTransaction['reads'];
  readonly writes: readonly (readonly [string, EncodedBytes | null])[];
  readonly event: { readonly name: string; readonly payload: EncodedBytes } | null;
}

/** Block data as parsed, in either layout. */
interface ParsedBlockData {
  readonly txFormat?: number;
  readonly genesis?: GenesisInfo;
  readonly creators?: readonly TransactionCreator[];
  readonly transactions: readonly unknown[];
}

function parseBlockData(text: string): ParsedBlockData {
  const data = JSON.parse(text) as ParsedBlockData;
  if (typeof data !== 'object' || data === null || !Array.isArray(data.transactions))
    throw new TypeError('block data has no transactions array');
  if (
    data.txFormat !== undefined &&
    (data.txFormat !== BLOCK_TX_FORMAT || !Array.isArray(data.creators))
  )
    throw new TypeError(`block data has an unknown layout (${String(data.txFormat)})`);
  return data;
}

function creatorOf(data: ParsedBlockData, index: number): TransactionCreator {
  const creator = data.creators?.[index];
  if (creator === undefined)
    throw new TypeError(`block data names creator ${index}, which it does not list`);
  return creator;
}

function decodeTransaction(data: ParsedBlockData, tx: EncodedTransaction): StoredTransaction {
  return {
    layout: 2,
    txId: tx.txId,
    transaction: tx.transaction,
    args: tx.args,
    creator: creatorOf(data, tx.creator),
    timestamp: tx.timestamp,
    resultHash: tx.resultHash,
    reads: tx.reads,
    writes: tx.writes.map(
      ([key, value]) =>
        [key, value === null ? null : decodeBytes(value).toString('base64')] as const,
    ),
    event:
      tx.event === null
        ? null
        : { name: tx.event.name, payload: decodeBytes(tx.event.payload).toString('base64') },
  };
}

/**
 * Parses a block's data text, in either layout, into transactions in one form.
 *
 * @throws SyntaxError or TypeError when the text is not block data
 */
export function decodeBlockData(text: string): BlockData {
  const data = parseBlockData(text);
  const genesis = data.genesis === undefined ? {} : { genesis: data.genesis };
  if (data.txFormat === undefined) {
    const transactions = (
      data.transactions as Omit<StoredTransaction, 'resultHash' | 'layout'>[]
    ).map((tx) => ({
      ...tx,
      layout: 1 as const,
      resultHash: sha256(Buffer.from(tx.result ?? '', 'base64')),
    }));
    return { ...genesis, transactions };
  }
  return {
    ...genesis,
    transactions: (data.transactions as EncodedTransaction[]).map((tx) =>
      decodeTransaction(data, tx),
    ),
  };
}

/** A chaincode event of a block, bytes as they are. */
export interface BlockEvent {
  readonly txId: string;
  readonly name: string;
  readonly payload: Uint8Array;
}

/**
 * The events of a block's transactions, in order, without decoding the rest of each transaction.
 *
 * @throws SyntaxError or TypeError when the text is not block data
 */
export function blockEvents(text: string): BlockEvent[] {
  const data = parseBlockData(text);
  const events: BlockEvent[] = [];
  for (const tx of data.transactions as {
    txId: string;
    event: { name: string; payload: EncodedBytes } | null;
  }[]) {
    if (!tx.event) continue;
    const payload =
      data.txFormat === undefined
        ? Buffer.from(tx.event.payload as string, 'base64')
        : decodeBytes(tx.event.payload);
    events.push({
      txId: tx.txId,
      name: tx.event.name,
      payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
    });
  }
  return events;
}

const base64Of = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('base64');

/**
 * True when re-executing a recorded transaction gave what its block records: the result (by its
 * hash), the writes, in order, and the event.
 */
export function matchesOutcome(tx: StoredTransaction, outcome: TransactionOutcome): boolean {
  if (outcome.status !== 'OK' || sha256(outcome.payload) !== tx.resultHash) return false;
  if (outcome.writes.length !== tx.writes.length) return false;
  for (const [i, write] of outcome.writes.entries()) {
    const [key, value] = tx.writes[i] as StoredTransaction['writes'][number];
    if (write.key !== key || base64Of(write.value) !== value) return false;
  }
  const event = outcome.event && {
    name: outcome.event.name,
    payload: base64Of(outcome.event.payload),
  };
  return JSON.stringify(event) === JSON.stringify(tx.event);
}
