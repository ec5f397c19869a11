import { describe, expect, it } from 'vitest';
import { KeyFilter } from './key-filter.js';

describe('KeyFilter', () => {
  it('never reports an added key as absent', () => {
    const filter = new KeyFilter(10_000);
    const keys = Array.from(
      { length: 10_000 },
      (_, i) => `\u0000anchor\u000088.1001.1/PVM-${i}\u000088.1001.3.F0001\u0000`,
    );
    for (const key of keys) filter.add(key);
    expect(keys.every((k) => filter.mightContain(k))).toBe(true);
  });

  it('reports most absent keys as absent', () => {
    const filter = new KeyFilter(10_000);
    for (let i = 0; i < 10_000; i++) filter.add(`anchor|88.1001.1/PVM-${i}`);
    let falsePositives = 0;
    for (let i = 10_000; i < 20_000; i++)
      if (filter.mightContain(`anchor|88.1001.1/PVM-${i}`)) falsePositives += 1;
    expect(falsePositives / 10_000).toBeLessThan(0.03);
  });

  it('says when it holds more keys than it was sized for', () => {
    const filter = new KeyFilter(1024);
    for (let i = 0; i < 1024; i++) filter.add(String(i));
    expect(filter.full).toBe(false);
    filter.add('one more');
    expect(filter.full).toBe(true);
  });
});
