import { describe, expect, it } from 'vitest';
import type { TransactionOutcome } from '../contract-runtime.js';
import {
  blockEvents,
  decodeBlockData,
  encodeBlockData,
  matchesOutcome,
  sha256,
  storeTransaction,
} from './block-codec.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const creator = {
  mspId: 'GridmarkEmbeddedMSP',
  certificatePem: '-----BEGIN PUBLIC KEY-----\nnode\n-----END PUBLIC KEY-----\n',
};
const input = (txId: string) => ({
  txId,
  transaction: 'AnchorCommitments',
  args: ['{"systemCode":"88.1001.3"}'],
  creator,
  timestamp: new Date('2026-12-01T08:00:00.000Z'),
});

function outcome(over: Partial<TransactionOutcome> = {}): TransactionOutcome {
  return {
    status: 'OK',
    payload: bytes('{"count":1}'),
    message: '',
    reads: [
      { key: '\u0000anchor\u0000d\u0000f\u0000', version: { blockNumber: 3n, txNumber: 1 } },
      { key: '\u0000anchorbatch\u0000ab\u0000', version: null },
    ],
    writes: [
      { key: '\u0000anchor\u0000d\u0000f\u0000', value: bytes('{"b":"ab","c":"Ω","v":2}') },
      { key: '\u0000binary\u0000', value: Uint8Array.of(0xff, 0xfe, 0x00, 0x80) },
      { key: '\u0000gone\u0000', value: null },
    ],
    event: { name: 'CommitmentsAnchored', payload: bytes('{"keys":[["d","f"]]}') },
    ...over,
  };
}

describe('block data', () => {
  it('writes values as their text and reads them back as the bytes they were', () => {
    const text = encodeBlockData({ transactions: [storeTransaction(input('t1'), outcome())] });
    // Values are readable text in the block, not base64; bytes that are not UTF-8 are base64.
    expect(text).toContain(JSON.stringify('{"b":"ab","c":"Ω","v":2}'));
    expect(text).toContain('{"base64":"//4AgA=="}');
    const [tx] = decodeBlockData(text).transactions;
    expect(tx).toMatchObject({
      layout: 2,
      txId: 't1',
      transaction: 'AnchorCommitments',
      creator,
      timestamp: '2026-12-01T08:00:00.000Z',
      resultHash: sha256('{"count":1}'),
    });
    expect(tx?.result).toBeUndefined();
    expect(tx?.reads).toEqual([
      ['\u0000anchor\u0000d\u0000f\u0000', [3, 1]],
      ['\u0000anchorbatch\u0000ab\u0000', null],
    ]);
    expect(tx?.writes).toEqual([
      [
        '\u0000anchor\u0000d\u0000f\u0000',
        Buffer.from('{"b":"ab","c":"Ω","v":2}').toString('base64'),
      ],
      ['\u0000binary\u0000', Buffer.from([0xff, 0xfe, 0x00, 0x80]).toString('base64')],
      ['\u0000gone\u0000', null],
    ]);
    expect(tx?.event).toEqual({
      name: 'CommitmentsAnchored',
      payload: Buffer.from('{"keys":[["d","f"]]}').toString('base64'),
    });
  });

  it("lists the block's creators once", () => {
    const text = encodeBlockData({
      transactions: [
        storeTransaction(input('t1'), outcome()),
        storeTransaction(input('t2'), outcome()),
      ],
    });
    expect(text.split('BEGIN PUBLIC KEY').length - 1).toBe(1);
    expect(decodeBlockData(text).transactions.map((t) => t.creator)).toEqual([creator, creator]);
  });

  it('reads blocks of the first layout, base64 and whole results, as before', () => {
    const first = JSON.stringify({
      transactions: [
        {
          txId: 't0',
          transaction: 'RegisterFields',
          args: ['{}'],
          creator,
          timestamp: '2026-01-01T00:00:00.000Z',
          result: Buffer.from('{"fieldCodes":[]}').toString('base64'),
          reads: [],
          writes: [['k', Buffer.from('v').toString('base64')]],
          event: { name: 'FieldsRegistered', payload: Buffer.from('{}').toString('base64') },
        },
      ],
    });
    const [tx] = decodeBlockData(first).transactions;
    expect(tx).toMatchObject({
      layout: 1,
      result: Buffer.from('{"fieldCodes":[]}').toString('base64'),
      resultHash: sha256('{"fieldCodes":[]}'),
      writes: [['k', 'dg==']],
    });
    expect(blockEvents(first)).toEqual([
      { txId: 't0', name: 'FieldsRegistered', payload: new Uint8Array(bytes('{}')) },
    ]);
  });

  it('keeps the genesis record', () => {
    const genesis = {
      format: 1 as const,
      mspId: 'GridmarkEmbeddedMSP',
      publicKey: creator.certificatePem,
    };
    expect(decodeBlockData(encodeBlockData({ genesis, transactions: [] })).genesis).toEqual(
      genesis,
    );
  });

  it("gives a block's events without decoding its writes", () => {
    const text = encodeBlockData({
      transactions: [
        storeTransaction(input('t1'), outcome()),
        storeTransaction(input('t2'), outcome({ event: null })),
      ],
    });
    expect(blockEvents(text)).toEqual([
      {
        txId: 't1',
        name: 'CommitmentsAnchored',
        payload: new Uint8Array(bytes('{"keys":[["d","f"]]}')),
      },
    ]);
  });

  it('refuses text that is not block data, or of a layout it does not know', () => {
    expect(() => decodeBlockData('{"blocks":[]}')).toThrow(TypeError);
    expect(() => decodeBlockData('{"txFormat":3,"creators":[],"transactions":[]}')).toThrow(
      /unknown layout/,
    );
    expect(() =>
      decodeBlockData(
        '{"txFormat":2,"creators":[],"transactions":[{"creator":0,"writes":[],"event":null}]}',
      ),
    ).toThrow(/creator 0/);
  });

  it('matches a re-execution only when result, writes, their order and the event are the same', () => {
    const [tx] = decodeBlockData(
      encodeBlockData({ transactions: [storeTransaction(input('t1'), outcome())] }),
    ).transactions;
    if (!tx) throw new Error('no transaction');
    expect(matchesOutcome(tx, outcome())).toBe(true);
    expect(matchesOutcome(tx, outcome({ payload: bytes('{"count":2}') }))).toBe(false);
    expect(matchesOutcome(tx, outcome({ writes: [...outcome().writes].reverse() }))).toBe(false);
    expect(matchesOutcome(tx, outcome({ writes: outcome().writes.slice(1) }))).toBe(false);
    expect(
      matchesOutcome(
        tx,
        outcome({
          writes: outcome().writes.map((w, i) => (i === 0 ? { ...w, value: bytes('{}') } : w)),
        }),
      ),
    ).toBe(false);
    expect(
      matchesOutcome(tx, outcome({ event: { name: 'CommitmentsAnchored', payload: bytes('{}') } })),
    ).toBe(false);
    expect(matchesOutcome(tx, outcome({ status: 'ERROR' }))).toBe(false);
  });
});
