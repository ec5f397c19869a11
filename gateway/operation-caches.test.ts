import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BoundedOperationCache, createOperationCaches } from './operation-caches.js';

describe('operation caches', () => {
  it('keep at most their number of entries, however many distinct texts arrive', async () => {
    const { documents } = createOperationCaches(50);
    for (let i = 0; i < 1_000; i++) {
      await documents.set(`text-${i}`, parse(`{ device(id: "D-${i}") { id model } }`));
    }
    expect(documents.size).toBe(50);
    expect(await documents.get('text-999')).toBeDefined();
    expect(await documents.get('text-0')).toBeUndefined();
  });

  it('forget the least recently used entry first', async () => {
    const cache = new BoundedOperationCache<{ n: number }>(2);
    await cache.set('a', { n: 1 });
    await cache.set('b', { n: 2 });
    await cache.get('a');
    await cache.set('c', { n: 3 });
    expect(await cache.get('a')).toEqual({ n: 1 });
    expect(await cache.get('b')).toBeUndefined();
  });

  it('delete one entry, or clear them all when the supergraph changes', async () => {
    const cache = new BoundedOperationCache<{ n: number }>(4);
    await cache.set('a', { n: 1 });
    await cache.set('b', { n: 2 });
    expect(await cache.delete('a')).toBe(true);
    expect(await cache.delete('a')).toBe(false);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
