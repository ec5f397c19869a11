import { describe, expect, it } from 'vitest';
import {
  BLOCK_COMPRESSION,
  BROTLI_CODEC,
  DICTIONARY_CODEC,
  DictionaryTrainer,
  MAX_DICTIONARY_BYTES,
  packBlockData,
  unpackBlockData,
  UNREADABLE_BLOCK_DATA,
} from './block-compression.js';

const small = (n: number): string =>
  JSON.stringify({
    txFormat: 2,
    transactions: [
      {
        txId: n.toString(16).padStart(64, '0'),
        transaction: 'ResolveBatch',
        args: [`{"requests":[{"resolutionId":"${n}"}]}`],
      },
    ],
  });
const dictionary = { id: 7, bytes: Buffer.from(small(0).repeat(3)) };
const dictionaries = (id: number): Uint8Array | undefined =>
  id === dictionary.id ? dictionary.bytes : undefined;

describe('block compression', () => {
  it('stores a large block with brotli and reads back its text', () => {
    const text = JSON.stringify({
      transactions: Array.from({ length: 2000 }, (_, i) => ({
        key: `88.1001.1/PVI-${i}`,
        value: 'Ω'.repeat(i % 7),
      })),
    });
    const packed = packBlockData(text, dictionary);
    expect(packed[0]).toBe(BROTLI_CODEC);
    expect(packed.length).toBeLessThan(text.length / 5);
    expect(unpackBlockData(packed, dictionaries)).toBe(text);
  });

  it('deflates a small block with the dictionary, smaller than without it', () => {
    const text = small(12345);
    const packed = packBlockData(text, dictionary);
    expect(packed[0]).toBe(DICTIONARY_CODEC);
    expect(packed.readUInt32BE(1)).toBe(7);
    expect(packed.length).toBeLessThan(packBlockData(text).length);
    expect(unpackBlockData(packed, dictionaries)).toBe(text);
  });

  it('reads text stored as text, as blocks were before compression', () => {
    expect(unpackBlockData('{"transactions":[]}')).toBe('{"transactions":[]}');
  });

  it('reads damaged bytes, an unknown codec or a missing dictionary as data no hash matches', () => {
    const packed = packBlockData(small(1), dictionary);
    expect(unpackBlockData(packed, () => undefined)).toBe(UNREADABLE_BLOCK_DATA);
    expect(unpackBlockData(packed, () => Buffer.from('another dictionary'))).not.toBe(small(1));
    const brotli = packBlockData('x'.repeat(BLOCK_COMPRESSION.smallBlockBytes + 1));
    expect(unpackBlockData(Buffer.concat([brotli.subarray(0, 10), Buffer.from('damage')]))).toBe(
      UNREADABLE_BLOCK_DATA,
    );
    expect(unpackBlockData(Buffer.from([9, 1, 2, 3]))).toBe(UNREADABLE_BLOCK_DATA);
  });
});

describe('DictionaryTrainer', () => {
  it('proposes a first dictionary after a few small blocks, then one every so many', () => {
    const trainer = new DictionaryTrainer({ hasDictionary: false, first: 3, every: 5 });
    const proposals = Array.from({ length: 14 }, (_, i) => trainer.observe(small(i)));
    expect(proposals.map((p) => p !== undefined)).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      true,
      false,
    ]);
  });

  it('waits a whole period when the ledger holds a dictionary already', () => {
    const trainer = new DictionaryTrainer({ hasDictionary: true, first: 3, every: 5 });
    expect(Array.from({ length: 5 }, (_, i) => trainer.observe(small(i)) !== undefined)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it("samples the latest block of each kind, within deflate's window, and ignores large blocks", () => {
    const trainer = new DictionaryTrainer({ hasDictionary: false, first: 3 });
    expect(trainer.observe('x'.repeat(BLOCK_COMPRESSION.smallBlockBytes + 1))).toBeUndefined();
    trainer.observe(small(1));
    trainer.observe(small(2).replace('ResolveBatch', 'RecordTrades'));
    const proposed = trainer.observe(small(3))?.toString();
    expect(proposed).toContain('RecordTrades');
    expect(proposed).toContain(small(3));
    expect(proposed).not.toContain(small(1));
    const big = new DictionaryTrainer({ hasDictionary: false, first: 40 });
    let last: Buffer | undefined;
    for (let i = 0; i < 40; i++)
      last = big.observe(
        small(i)
          .replace(
            'ResolveBatch',
            `Kind${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
          )
          .padEnd(2000, ' '),
      );
    expect(last?.length).toBe(MAX_DICTIONARY_BYTES);
  });
});
