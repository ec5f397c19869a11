import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './secret-redaction.js';

describe('redactSecrets', () => {
  it('removes API keys, bearer and basic credentials, grants, JWTs and private keys', () => {
    const grant = `${Buffer.from('{"v":1}').toString('base64url')}.c2lnbmF0dXJl`;
    const cases: readonly (readonly [string, string])[] = [
      [`key gmk_abcdefabcdef_${'x'.repeat(43)} refused`, `key ${REDACTED} refused`],
      ['Authorization: Bearer abc.def-ghi', `Authorization: Bearer ${REDACTED}`],
      ['basic dXNlcjpwYXNz, then', `basic ${REDACTED}, then`],
      [`grant ${grant} expired`, `grant ${REDACTED} expired`],
      ['jwt eyJhbGciOi.eyJzdWIiOiIx.c2ln end', `jwt ${REDACTED} end`],
      ['-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY----- after', `${REDACTED} after`],
    ];
    for (const [message, expected] of cases) expect(redactSecrets(message)).toBe(expected);
  });

  it('leaves ordinary messages as they are', () => {
    const message =
      'supergraph recomposed: maker, scada; device 88.1001.1/INV-1 field F0001 anchored at v3 (tx 9f2c)';
    expect(redactSecrets(message)).toBe(message);
  });
});
