import type { StoredBlock } from './block-codec.js';
import { unpackBlockData } from './block-compression.js';

/*
 * A block as a row of the `blocks` table. Hashes are kept as their 32 bytes and the signature as
 * its 64 bytes (BLOBs), not as the hex and base64 texts the header and its hash are computed
 * over; rows written before hold those texts, and both read back as the texts. A value whose text
 * would not come back the same from its bytes (not lower-case hex, not canonical base64) is kept
 * as text.
 */

/** A row of the `blocks` table, as SQLite returns it. */
export interface BlockRow {
  readonly number: number;
  readonly previous_hash: string | Buffer;
  readonly data_hash: string | Buffer;
  readonly hash: string | Buffer;
  readonly timestamp: string;
  readonly data: string | Buffer;
  readonly signature: string | Buffer;
}

/** The header columns of a block in the order the insert statement takes them after `number`. */
export type HeaderColumns = readonly [
  previousHash: Buffer | string,
  dataHash: Buffer | string,
  hash: Buffer | string,
  timestamp: string,
];

function hexBytes(hex: string): Buffer | string {
  const bytes = Buffer.from(hex, 'hex');
  return bytes.toString('hex') === hex ? bytes : hex;
}

function base64Bytes(base64: string): Buffer | string {
  const bytes = Buffer.from(base64, 'base64');
  return bytes.toString('base64') === base64 ? bytes : base64;
}

/** The columns a block's header is stored in. */
export function headerColumns(block: StoredBlock): HeaderColumns {
  return [
    hexBytes(block.previousHash),
    hexBytes(block.dataHash),
    hexBytes(block.hash),
    block.timestamp,
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

/** A block from its row, its data decompressed with the dictionaries `dictionaryOf` finds. */
export function blockFromRow(
  row: BlockRow,
  dictionaryOf: (id: number) => Uint8Array | undefined,
): StoredBlock {
  return {
    number: row.number,
    previousHash: hexOf(row.previous_hash),
    dataHash: hexOf(row.data_hash),
    hash: hexOf(row.hash),
    timestamp: row.timestamp,
    data: unpackBlockData(row.data, dictionaryOf),
    signature: base64Of(row.signature),
  };
}
