import { describe, expect, it } from 'vitest';
import {
  graphqlNestsDeeperThan,
  jsonNestsDeeperThan,
  valueNestsDeeperThan,
} from './request-nesting.js';

describe('request nesting', () => {
  it('counts braces, brackets and parentheses of a query', () => {
    expect(graphqlNestsDeeperThan('{ a(b: [[1]]) { c } }', 4)).toBe(false);
    expect(graphqlNestsDeeperThan('{ a(b: [[1]]) { c } }', 3)).toBe(true);
    expect(graphqlNestsDeeperThan('['.repeat(100_000), 64)).toBe(true);
  });

  it('skips strings, escaped quotes, block strings and comments', () => {
    expect(graphqlNestsDeeperThan(`{ a(b: "[[[[\\"[[[[") }`, 2)).toBe(false);
    expect(graphqlNestsDeeperThan(`{ a(b: """ [[[[ \\""" [[[[ """) }`, 2)).toBe(false);
    expect(graphqlNestsDeeperThan('{ a # [[[[[[\n}', 1)).toBe(false);
    expect(graphqlNestsDeeperThan('{ a # [[[[[[\n(b: [[1]]) }', 3)).toBe(true);
  });

  it('counts arrays and objects of JSON text and of parsed values, without recursion', () => {
    expect(jsonNestsDeeperThan('{"a":"[[[[","b":[[1]]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"\\"[[","b":[[[1]]]}', 3)).toBe(true);
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(valueNestsDeeperThan(deep, 64)).toBe(true);
    expect(valueNestsDeeperThan({ ids: ['a', 'b'], nested: { list: [{ k: 1 }] } }, 4)).toBe(false);
    expect(valueNestsDeeperThan({ ids: ['a', 'b'], nested: { list: [{ k: 1 }] } }, 3)).toBe(true);
    expect(valueNestsDeeperThan(undefined, 1)).toBe(false);
  });
});
