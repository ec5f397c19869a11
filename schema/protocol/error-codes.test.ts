import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from './error-codes.js';
import { GridmarkError } from './errors.js';

describe('error code table', () => {
  const codes = Object.keys(ERROR_CODES);

  it('gives every code a message, a meaning and a non-zero exit code', () => {
    for (const code of codes) {
      const entry = ERROR_CODES[code as keyof typeof ERROR_CODES];
      expect(entry.message.length, code).toBeGreaterThan(10);
      expect(entry.meaning.length, code).toBeGreaterThan(20);
      expect(entry.exitCode, code).toBeGreaterThan(0);
    }
  });

  it('uses upper snake case codes', () => {
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z_]+$/);
  });

  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of codes) expect(doc, code).toContain(`\`${code}\``);
  });

  it('carries the code and client-safe details into extensions, never the cause', () => {
    const error = new GridmarkError('SYSTEM_UNAVAILABLE', 'down', {
      details: { system: 'om' },
      cause: new Error('connect ECONNREFUSED 10.0.0.7:4004'),
    });
    const graphql = error.toGraphQLError();
    expect(graphql.extensions).toEqual({ system: 'om', code: 'SYSTEM_UNAVAILABLE' });
    expect(JSON.stringify(graphql)).not.toContain('ECONNREFUSED');
    expect(isErrorCode('SYSTEM_UNAVAILABLE')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
