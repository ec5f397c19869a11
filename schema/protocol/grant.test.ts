import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReplayGuard, signGrant, verifyGrant, type Grant } from './grant.js';
import { grantRefusal } from '../testing/index.js';

const gateway = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
const grant: Grant = {
  v: 1,
  app: 'APP-0001',
  fn: 'full-lifecycle',
  role: 'om-engineer',
  sys: 'monitoring',
  devices: ['88.1001.1/PVI-000001'],
  fields: ['outputPowerW'],
  res: 'r1',
  exp: Date.now() + 30_000,
  nonce: 'n1',
};

describe('grants', () => {
  it('accepts a grant signed by the gateway for this system', () => {
    expect(
      verifyGrant(signGrant(grant, gateway.privateKey), gateway.publicKey, {
        subgraph: 'monitoring',
      }),
    ).toEqual(grant);
  });

  it('refuses a grant signed by another key', () => {
    expect(
      grantRefusal(() =>
        verifyGrant(signGrant(grant, intruder.privateKey), gateway.publicKey, {
          subgraph: 'monitoring',
        }),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('refuses a grant whose field list was widened after signing', () => {
    const [, signature] = signGrant(grant, gateway.privateKey).split('.');
    const widened = Buffer.from(
      JSON.stringify({ ...grant, fields: ['outputPowerW', 'assetValueFen'] }),
    ).toString('base64url');
    expect(
      grantRefusal(() =>
        verifyGrant(`${widened}.${signature ?? ''}`, gateway.publicKey, { subgraph: 'monitoring' }),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('refuses an expired grant, a grant for another system, and a missing or malformed one', () => {
    const token = signGrant(grant, gateway.privateKey);
    expect(
      grantRefusal(() =>
        verifyGrant(token, gateway.publicKey, { subgraph: 'monitoring', now: grant.exp }),
      ),
    ).toBe('EXPIRED');
    expect(grantRefusal(() => verifyGrant(token, gateway.publicKey, { subgraph: 'asset' }))).toBe(
      'WRONG_SYSTEM',
    );
    expect(
      grantRefusal(() => verifyGrant(undefined, gateway.publicKey, { subgraph: 'monitoring' })),
    ).toBe('MISSING');
    expect(
      grantRefusal(() => verifyGrant('abc', gateway.publicKey, { subgraph: 'monitoring' })),
    ).toBe('MALFORMED');
  });

  it('honours a nonce once, and forgets it after its grant expires', () => {
    let now = 1_000;
    const guard = createReplayGuard(() => now);
    expect(guard.firstUse('n1', 2_000)).toBe(true);
    expect(guard.firstUse('n1', 2_000)).toBe(false);
    now = 10_000;
    expect(guard.firstUse('n2', 20_000)).toBe(true);
    expect(guard.firstUse('n1', 20_000)).toBe(true);
  });
});
