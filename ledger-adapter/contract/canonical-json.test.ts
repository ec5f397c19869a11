import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: undefined, b: 'é' } })).toBe(
      '{"a":{"b":"é","d":[true,null,"x"]},"b":1}',
    );
  });

  it('gives equal bytes for equal content built in any order', () => {
    expect(canonicalJson({ x: 1, y: [{ q: 2, p: 3 }] })).toBe(
      canonicalJson({ y: [{ p: 3, q: 2 }], x: 1 }),
    );
  });

  it('sorts integer-like keys as text too', () => {
    expect(canonicalJson({ b: { 10: 'x', 2: 'y', a: [{ 1: true }] } })).toBe(
      '{"b":{"10":"x","2":"y","a":[{"1":true}]}}',
    );
  });

  it('refuses floats and values with no single JSON form', () => {
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ 1: 0.5 })).toThrow(TypeError);
    expect(() => canonicalJson({ fee: 1.5 })).toThrow(TypeError);
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0))).toThrow(TypeError);
  });
});
