import { GENESIS_PREVIOUS_HASH, sha256, type StoredBlock } from './block-codec.js';
import { unpackBlockData } from './block-compression.js';

/*
 * A block as a row of the `blocks` table. The hash is kept as its 32 bytes and the signature as
 * its 64 bytes (BLOBs), not as the hex and base64 texts the header and its hash are computed
 * over, and the header keeps no more than its hash does not already fix:
 *
 * - `previous_hash` is empty: a block links to the block before it, whose row holds its hash
 *   (block 0 to 64 zeros; the first block after a pruned range to the head `ledger_base` records);
 * - `data_hash` holds the first 4 bytes of the data's SHA-256, which reading the block recomputes
 *   whole: enough to tell edited data from an edited header, the hash and signature covering both;
 * - `timestamp` holds its milliseconds since 1970 (6 bytes, big-endian).
 *
 * Rows written before hold each hash whole, as its 32 bytes or as text, and the time as text; all
 * read back as the texts. A value whose text would not come back the same from its bytes (not
 * lower-case hex, not canonical base64, not a canonical ISO time) is kept as text.
 */

/** A row of the `blocks` table, as SQLite returns it. */
export interface BlockRow {
  readonly number: number;
  readonly previous_hash: string | Buffer;
  readonly data_hash: string | Buffer;
  readonly hash: string | Buffer;
  readonly timestamp: string | Buffer;
  readonly data: string | Buffer;
  readonly signature: string | Buffer;
  /** The hash of the block before, from its row; null when the file does not hold it. */
  readonly before_hash?: string | Buffer | null;
}

/** The columns of `blocks` with the hash of the block before each (`before_hash`). */
export const BLOCK_COLUMNS =
  'b.number, b.previous_hash, b.data_hash, b.hash, b.timestamp, b.data, b.signature, p.hash AS before_hash FROM blocks b LEFT JOIN blocks p ON p.number = b.number - 1';

/** The header columns of a block in the order the insert statement takes them after `number`. */
export type HeaderColumns = readonly [
  previousHash: Buffer | string,
  dataHash: Buffer | string,
  hash: Buffer | string,
  timestamp: Buffer | string,
];

/** Bytes of the data's SHA-256 a row keeps. */
const DATA_HASH_BYTES = 4;
const TIME_BYTES = 6;

function hexBytes(hex: string): Buffer | string {
  const bytes = Buffer.from(hex, 'hex');
  return bytes.toString('hex') === hex ? bytes : hex;
}

function base64Bytes(base64: string): Buffer | string {
  const bytes = Buffer.from(base64, 'base64');
  return bytes.toString('base64') === base64 ? bytes : base64;
}

function timeBytes(timestamp: string): Buffer | string {
  const ms = Date.parse(timestamp);
  if (!(ms >= 0 && ms < 2 ** 48) || new Date(ms).toISOString() !== timestamp) return timestamp;
  const bytes = Buffer.alloc(TIME_BYTES);
  bytes.writeUIntBE(ms, 0, TIME_BYTES);
  return bytes;
}

/**
 * The columns a block's header is stored in. The writer links every block to the one before it,
 * so its previous hash is not stored; nor is more of its data hash than a check needs.
 */
export function headerColumns(block: StoredBlock): HeaderColumns {
  const dataHash = hexBytes(block.dataHash);
  return [
    Buffer.alloc(0),
    typeof dataHash === 'string' ? dataHash : dataHash.subarray(0, DATA_HASH_BYTES),
    hexBytes(block.hash),
    timeBytes(block.timestamp),
  ];
}

/** The column a block's signature is stored in. */
export function signatureColumn(block: StoredBlock): Buffer | string {
  return base64Bytes(block.signature);
}

const hexOf = (value: string | Buffer): string =>
  typeof value === 'string' ? value : value.toString('hex');
const base64Of = (value: string | Buffer): string =>
  typeof value === 'string' ? value : value.toString('base64');

/**
 * The previous hash of a row: as stored, or the hash of the block before (`before_hash`, else
 * `baseHash` when the file holds no block before, having pruned it); '' when neither is known,
 * which links to no block.
 */
function previousHashOf(row: BlockRow, baseHash: () => string | undefined): string {
  if (row.previous_hash.length > 0) return hexOf(row.previous_hash);
  if (row.number === 0) return GENESIS_PREVIOUS_HASH;
  if (row.before_hash !== undefined && row.before_hash !== null) return hexOf(row.before_hash);
  return baseHash() ?? '';
}

/**
 * The data hash of a row: as stored, or the data's SHA-256 when the stored bytes begin it. Data
 * that does not begin with them reads with the stored bytes as its data hash, which it does not match.
 */
function dataHashOf(row: BlockRow, data: string): string {
  if (typeof row.data_hash === 'string' || row.data_hash.length !== DATA_HASH_BYTES)
    return hexOf(row.data_hash);
  const whole = sha256(data);
  const stored = row.data_hash.toString('hex');
  return whole.startsWith(stored) ? whole : stored;
}

/** A row's time; bytes that are no time read as their hex, which no header hash covers. */
function timeOf(value: string | Buffer): string {
  if (typeof value === 'string') return value;
  return value.length === TIME_BYTES
    ? new Date(value.readUIntBE(0, TIME_BYTES)).toISOString()
    : value.toString('hex');
}

/**
 * A block from its row (read with {@link BLOCK_COLUMNS}), its data decompressed with the
 * dictionaries `dictionaryOf` finds; `baseHash` gives the hash a pruned file's first block
 * after block 0 links to.
 */
export function blockFromRow(
  row: BlockRow,
  dictionaryOf: (id: number) => Uint8Array | undefined,
  baseHash: () => string | undefined = () => undefined,
): StoredBlock {
  const data = unpackBlockData(row.data, dictionaryOf);
  return {
    number: row.number,
    previousHash: previousHashOf(row, baseHash),
    dataHash: dataHashOf(row, data),
    hash: hexOf(row.hash),
    timestamp: timeOf(row.timestamp),
    data,
    signature: base64Of(row.signature),
  };
}
