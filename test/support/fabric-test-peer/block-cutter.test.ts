import { common } from '@hyperledger/fabric-protos';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBlockCutter } from './block-cutter.js';

const envelope = (): common.Envelope => new common.Envelope();

describe('block cutter', () => {
  it('cuts a block as soon as it holds the maximum number of transactions', () => {
    const batches: number[] = [];
    const cutter = createBlockCutter({
      maxTransactions: 3,
      batchTimeoutMs: 10_000,
      deliver: (b) => batches.push(b.length),
    });
    for (let i = 0; i < 7; i += 1) cutter.enqueue(envelope());
    expect(batches).toEqual([3, 3]);
    cutter.flush();
    expect(batches).toEqual([3, 3, 1]);
  });

  it('cuts a partial block when the batch timeout after its first transaction passes', async () => {
    const batches: number[] = [];
    const cutter = createBlockCutter({
      maxTransactions: 10,
      batchTimeoutMs: 20,
      deliver: (b) => batches.push(b.length),
    });
    cutter.enqueue(envelope());
    cutter.enqueue(envelope());
    expect(batches).toEqual([]);
    await sleep(60);
    expect(batches).toEqual([2]);
  });
});
