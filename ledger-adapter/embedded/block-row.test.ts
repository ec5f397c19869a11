import { describe, expect, it } from 'vitest';
import { GENESIS_PREVIOUS_HASH, headerHash, sha256, type StoredBlock } from './block-codec.js';
import { packBlockData } from './block-compression.js';
import { blockFromRow, headerColumns, signatureColumn, type BlockRow } from './block-row.js';

const BEFORE = 'ab'.repeat(32);

function block(number: number, timestamp = '2026-12-07T17:37:22.171Z'): StoredBlock {
  const data = JSON.stringify({ txFormat: 2, creators: [], transactions: [], number });
  const header = {
    number,
    previousHash: number === 0 ? GENESIS_PREVIOUS_HASH : BEFORE,
    dataHash: sha256(data),
    timestamp,
  };
  return {
    ...header,
    hash: headerHash(header),
    data,
    signature: Buffer.alloc(64, 7).toString('base64'),
  };
}

/** The row a block is written as, as SQLite gives it back with the hash of the block before. */
function rowOf(written: StoredBlock, beforeHash: Buffer | null): BlockRow {
  const [previous_hash, data_hash, hash, timestamp] = headerColumns(written);
  return {
    number: written.number,
    previous_hash,
    data_hash,
    hash,
    timestamp,
    data: packBlockData(written.data),
    signature: signatureColumn(written),
    before_hash: beforeHash,
  };
}

const noDictionary = (): undefined => undefined;

describe('a block as a row', () => {
  it('keeps its hash and signature whole, 4 bytes of its data hash, its time in 6 bytes and no previous hash', () => {
    const written = block(5);
    const row = rowOf(written, Buffer.from(BEFORE, 'hex'));
    expect(row.previous_hash).toHaveLength(0);
    expect(row.data_hash).toEqual(Buffer.from(written.dataHash, 'hex').subarray(0, 4));
    expect(row.hash).toEqual(Buffer.from(written.hash, 'hex'));
    expect(row.timestamp).toHaveLength(6);
    expect(row.signature).toHaveLength(64);
    expect(blockFromRow(row, noDictionary)).toEqual(written);
    const genesis = block(0);
    expect(blockFromRow(rowOf(genesis, null), noDictionary)).toEqual(genesis);
  });

  it('links the first block after a pruned range to the head its file records, and to none when there is none', () => {
    const written = block(9);
    expect(blockFromRow(rowOf(written, null), noDictionary, () => BEFORE)).toEqual(written);
    expect(blockFromRow(rowOf(written, null), noDictionary).previousHash).toBe('');
  });

  it('keeps as text a time that would not read back the same', () => {
    const written = block(3, '2026-12-07T17:37:22Z');
    const row = rowOf(written, Buffer.from(BEFORE, 'hex'));
    expect(row.timestamp).toBe('2026-12-07T17:37:22Z');
    expect(blockFromRow(row, noDictionary)).toEqual(written);
  });

  it('reads edited data with a data hash it does not match, and an edited time with a header its hash does not cover', () => {
    const written = block(4);
    const edited = blockFromRow(
      { ...rowOf(written, Buffer.from(BEFORE, 'hex')), data: packBlockData(`${written.data} `) },
      noDictionary,
    );
    expect(sha256(edited.data)).not.toBe(edited.dataHash);
    const later = Buffer.alloc(6);
    later.writeUIntBE(Date.parse(written.timestamp) + 1, 0, 6);
    const retimed = blockFromRow(
      { ...rowOf(written, Buffer.from(BEFORE, 'hex')), timestamp: later },
      noDictionary,
    );
    expect(sha256(retimed.data)).toBe(retimed.dataHash);
    expect(headerHash(retimed)).not.toBe(retimed.hash);
  });

  it('reads a row written before, with each hash whole and its time as text', () => {
    const written = block(6);
    const row: BlockRow = {
      number: 6,
      previous_hash: written.previousHash,
      data_hash: Buffer.from(written.dataHash, 'hex'),
      hash: written.hash,
      timestamp: written.timestamp,
      data: written.data,
      signature: written.signature,
      before_hash: Buffer.from('cd'.repeat(32), 'hex'),
    };
    expect(blockFromRow(row, noDictionary)).toEqual(written);
  });
});
