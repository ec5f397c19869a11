import { describe, expect, it } from 'vitest';
import { StateCache } from './state-cache.js';

const MB = 1 << 20;
const entry = (bytes: number, blockNumber = 1n) => ({
  value: new Uint8Array(bytes),
  version: { blockNumber, txNumber: 0 },
});

describe('StateCache', () => {
  it('holds no more bytes than its bound however many entries pass through it', () => {
    const cache = new StateCache(MB);
    for (let i = 0; i < 5_000; i++) cache.set(`trade\u0000T${i}\u0000`, entry(2_000));
    expect(cache.bytes).toBeLessThanOrEqual(MB);
    expect(cache.size).toBeLessThan(5_000);
    // The latest writes are the ones kept.
    expect(cache.get('trade\u0000T4999\u0000')?.value.byteLength).toBe(2_000);
    expect(cache.get('trade\u0000T0\u0000')).toBeUndefined();
  });

  it('keeps an entry that is read while newer ones arrive', () => {
    const cache = new StateCache(MB);
    cache.set('field\u0000F1\u0000', entry(100));
    for (let i = 0; i < 5_000; i++) {
      cache.set(`resolution\u0000R${i}\u0000`, entry(300));
      expect(cache.get('field\u0000F1\u0000')).toBeDefined();
    }
  });

  it('remembers a key known absent as null, apart from a miss', () => {
    const cache = new StateCache(MB);
    cache.set('anchor\u0000A\u0000', null);
    expect(cache.get('anchor\u0000A\u0000')).toBeNull();
    expect(cache.get('anchor\u0000B\u0000')).toBeUndefined();
  });

  it('does not keep an entry too large for it, nor the older value of its key', () => {
    const cache = new StateCache(MB);
    cache.set('resolutionbody\u0000H\u0000', entry(100, 1n));
    cache.set('resolutionbody\u0000H\u0000', entry(MB / 50, 2n));
    expect(cache.get('resolutionbody\u0000H\u0000')).toBeUndefined();
  });

  it('refuses a bound below one megabyte', () => {
    expect(() => new StateCache(1_000)).toThrow(RangeError);
  });
});
