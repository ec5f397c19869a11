import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.js';

describe('ReadCache', () => {
  it('does not store what a read found when the key was invalidated while it ran', async () => {
    const cache = new ReadCache(undefined, undefined);
    await cache.setEnabled(true);
    const since = cache.beginRead();
    // An event arrives while the ledger call is under way: the value read may be the old one.
    await cache.invalidate(['anchor:a']);
    await cache.fill(
      [
        ['anchor:a', { version: 1 }],
        ['anchor:b', { version: 7 }],
      ],
      since,
    );
    cache.endRead();
    expect(await cache.getMany(['anchor:a', 'anchor:b'])).toEqual([undefined, { version: 7 }]);
  });

  it('tells a cached null from a miss', async () => {
    const cache = new ReadCache(undefined, undefined);
    await cache.setEnabled(true);
    const since = cache.beginRead();
    await cache.fill([['rule:x', null]], since);
    cache.endRead();
    expect(await cache.getMany(['rule:x', 'rule:y'])).toEqual([null, undefined]);
  });

  it('serves and stores nothing while switched off, and forgets what it held', async () => {
    const cache = new ReadCache(undefined, undefined);
    await cache.setEnabled(true);
    await cache.fill([['field:f', { feeFen: 1 }]], cache.beginRead());
    cache.endRead();
    await cache.setEnabled(false);
    expect(await cache.getMany(['field:f'])).toEqual([undefined]);
    const since = cache.beginRead();
    await cache.fill([['field:f', { feeFen: 2 }]], since);
    cache.endRead();
    await cache.setEnabled(true);
    expect(await cache.getMany(['field:f'])).toEqual([undefined]);
  });

  it('answers filled entries synchronously in process, and drops them when invalidated or switched off', async () => {
    const cache = new ReadCache(undefined, undefined);
    await cache.setEnabled(true);
    expect(cache.peekMany(['anchor:a'])).toEqual([undefined]);
    await cache.fill(
      [
        ['anchor:a', { version: 1 }],
        ['anchor:b', null],
      ],
      cache.beginRead(),
    );
    cache.endRead();
    expect(cache.peekMany(['anchor:a', 'anchor:b', 'anchor:c'])).toEqual([
      { version: 1 },
      null,
      undefined,
    ]);
    await cache.invalidate(['anchor:a']);
    expect(cache.peekMany(['anchor:a', 'anchor:b'])).toEqual([undefined, null]);
    await cache.setEnabled(false);
    expect(cache.peekMany(['anchor:b'])).toEqual([undefined]);
  });

  it('lets in-process entries expire with the time to live, and keeps at most its capacity', async () => {
    const cache = new ReadCache(undefined, 50, 2);
    await cache.setEnabled(true);
    await cache.fill(
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
      cache.beginRead(),
    );
    cache.endRead();
    // The oldest entry made room for the third.
    expect(cache.peekMany(['a', 'b', 'c'])).toEqual([undefined, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.peekMany(['b', 'c'])).toEqual([undefined, undefined]);
  });

  it('copies what a shared Keyv store holds into the process on a read', async () => {
    const shared = new Keyv({
      namespace: 'gridmark-ledger',
      serialize: undefined,
      deserialize: undefined,
    });
    const writer = new ReadCache(shared, undefined);
    await writer.setEnabled(true);
    await writer.fill([['field:f', { feeFen: 3 }]], writer.beginRead());
    writer.endRead();
    const reader = new ReadCache(shared, undefined);
    await reader.setEnabled(true);
    expect(reader.peekMany(['field:f'])).toEqual([undefined]);
    expect(await reader.getMany(['field:f'])).toEqual([{ feeFen: 3 }]);
    expect(reader.peekMany(['field:f'])).toEqual([{ feeFen: 3 }]);
  });

  it('forgets the entries read longest ago beyond its capacity, in process and in its default store', async () => {
    const cache = new ReadCache(undefined, undefined, 100);
    await cache.setEnabled(true);
    const since = cache.beginRead();
    await cache.fill(
      Array.from({ length: 250 }, (_, i) => [`anchor:${i}`, { i }] as const),
      since,
    );
    cache.endRead();
    const held = await cache.getMany(Array.from({ length: 250 }, (_, i) => `anchor:${i}`));
    expect(held.filter((v) => v !== undefined)).toHaveLength(100);
    expect(held[0]).toBeUndefined();
    expect(held[249]).toEqual({ i: 249 });
  });
});
