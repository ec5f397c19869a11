import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.js';

describe('ReadCache', () => {
  it('does not store what a read found when the key was invalidated while it ran', async () => {
    const cache = new ReadCache(undefined, undefined);
    await cache.setEnabled(true);
    const since = cache.beginRead();
    // An event arrives while the ledger call is under way: the value read may be the old one.
    await cache.invalidate(['anchor:a']);
    await cache.fill([['anchor:a', { version: 1 }], ['anchor:b', { version: 7 }]], since);
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
});
