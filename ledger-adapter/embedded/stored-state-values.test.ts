import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KEPT_IN_BLOCK,
  keptInBlock,
  packStateValue,
  unpackStateValue,
} from './stored-state-values.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (value: Uint8Array): string => Buffer.from(value).toString('utf8');
const roundTrip = (value: Uint8Array): Uint8Array => unpackStateValue(packStateValue(value));

/** A quoted hex text of `n` random bytes. */
const hex = (n: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => `"${Buffer.from(b).toString('hex')}"`);

const HASH = '5b1e7f3a9c0d4e2b8a6f1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b3c4d5e6f';

describe('stored state values', () => {
  it('keeps an anchor in about half its text: hashes, references and times as their bytes', () => {
    const anchor = bytes(`{"b":"bcb4ba9e2b9034d3","c":"${HASH}","v":1}`);
    const stored = packStateValue(anchor);
    expect(anchor.length).toBe(101);
    expect(stored.length).toBe(60);
    expect(text(unpackStateValue(stored))).toBe(text(anchor));
    const resolution = bytes(`{"b":"${HASH}","t":"2026-12-07T17:37:22.171Z"}`);
    expect(packStateValue(resolution).length).toBe(52);
    expect(text(roundTrip(resolution))).toBe(text(resolution));
  });

  it('keeps as it is a text with nothing to pack, and a time that would not read back the same', () => {
    for (const value of [
      '{"fieldCode":"88.1001.1.F0001"}',
      '"2026-02-30T10:00:00.000Z"',
      '"2026-12-07T17:37:22.17Z"',
      `"${HASH.toUpperCase()}"`,
      `"${HASH}0"`,
      '',
    ]) {
      const stored = packStateValue(bytes(value));
      expect(text(stored)).toBe(value);
      expect(text(unpackStateValue(stored))).toBe(value);
    }
  });

  it('reads a value stored before these forms as it is', () => {
    const old = bytes(`{"b":"${HASH}","t":"2026-12-07T17:37:22.171Z"}`);
    expect(unpackStateValue(old)).toBe(old);
  });

  it('escapes a value whose first byte would read as a form, and packs no text holding a token byte', () => {
    for (const value of [
      Uint8Array.of(0),
      Uint8Array.of(1, 2, 3),
      Uint8Array.of(2),
      Uint8Array.of(3, 0x22),
      bytes(`\u0001"${HASH}"`),
      bytes(`"${HASH}"\u0003`),
    ]) {
      const stored = packStateValue(value);
      expect(keptInBlock(stored)).toBe(false);
      expect([...unpackStateValue(stored)]).toEqual([...value]);
    }
  });

  it('tells a value kept in its block, which it cannot read', () => {
    expect(keptInBlock(KEPT_IN_BLOCK)).toBe(true);
    expect(keptInBlock(packStateValue(bytes(`"${HASH}"`)))).toBe(false);
    expect(() => unpackStateValue(KEPT_IN_BLOCK)).toThrow(/kept in the block/);
  });

  it('reads back every value as it was given', () => {
    const pieces = fc.oneof(
      fc.constantFrom('"', '{"b":', ',"t":', '"x"', '\u0000', '\u0001', 'é'),
      hex(8),
      hex(32),
      fc
        .date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
        .map((d) => `"${d.toISOString()}"`),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const value = bytes(parts.join(''));
        const stored = packStateValue(value);
        expect(stored.length).toBeLessThanOrEqual(value.length + 1);
        expect([...unpackStateValue(stored)]).toEqual([...value]);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (value) => {
        expect([...roundTrip(value)]).toEqual([...value]);
      }),
    );
  });
});
