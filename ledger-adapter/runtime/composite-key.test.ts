import { describe, expect, it } from 'vitest';
import { createCompositeKey, displayKey, splitCompositeKey } from './composite-key.js';
import { compareKeys, MemoryWorldState } from './world-state.js';

describe('composite keys', () => {
  it("builds Fabric's layout and splits it back", () => {
    const key = createCompositeKey('anchor', ['88.1001.1/PVI-000001', '88.1001.3.F0002']);
    expect(key).toBe('\u0000anchor\u000088.1001.1/PVI-000001\u000088.1001.3.F0002\u0000');
    expect(splitCompositeKey(key)).toEqual({
      objectType: 'anchor',
      attributes: ['88.1001.1/PVI-000001', '88.1001.3.F0002'],
    });
    expect(displayKey(key)).toBe('anchor | 88.1001.1/PVI-000001 | 88.1001.3.F0002');
  });

  it('refuses a part holding U+0000 or a lone surrogate', () => {
    expect(() => createCompositeKey('a', ['x\u0000y'])).toThrow(TypeError);
    expect(() => createCompositeKey('a', ['\uD800'])).toThrow(/well-formed/);
  });

  it('orders keys by UTF-8 bytes, as the state databases do', () => {
    // U+FFFD sorts below U+10000 in UTF-16 code units' reverse: bytes EF.. < F0..
    expect(compareKeys('\uFFFD', '\u{10000}')).toBeLessThan(0);
    expect('\uFFFD' < '\u{10000}').toBe(false);
  });

  it('ranges over a partial key and nothing else', async () => {
    const state = new MemoryWorldState();
    const v = { blockNumber: 1n, txNumber: 0 };
    const bytes = new Uint8Array([1]);
    state.apply(
      [
        { key: createCompositeKey('tamper', ['88.1', 'b']), value: bytes },
        { key: createCompositeKey('tamper', ['88.1', 'a']), value: bytes },
        { key: createCompositeKey('tamper', ['88.10', 'c']), value: bytes },
      ],
      v,
    );
    const prefix = createCompositeKey('tamper', ['88.1']);
    const keys: string[] = [];
    for await (const e of state.range(prefix, `${prefix}\u{10FFFF}`)) keys.push(displayKey(e.key));
    expect(keys).toEqual(['tamper | 88.1 | a', 'tamper | 88.1 | b']);
  });
});
