import { describe, expect, it } from 'vitest';
import { currentScope, requestIdFrom, runInRequest } from './request-scope.js';

describe('request ids', () => {
  it('keeps a sane client id and replaces anything else with a new UUID', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(129), 'line\nbreak', '<b>', 'é']) {
      expect(requestIdFrom(bad)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    }
  });

  it('never keeps an id shaped like an API key', () => {
    const key = `gmk_abcdefabcdef_${'B'.repeat(43)}`;
    expect(requestIdFrom(key)).not.toBe(key);
  });

  it('gives concurrent requests their own scope, across awaits', async () => {
    const seen = await Promise.all(
      ['one', 'two'].map((id) =>
        runInRequest(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, id === 'one' ? 20 : 1));
          return currentScope()?.requestId;
        }),
      ),
    );
    expect(seen).toEqual(['one', 'two']);
    expect(currentScope()).toBeUndefined();
  });
});
