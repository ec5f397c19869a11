import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReplayGuard, signGrant, verifyGrant, type Grant } from './grant.js';
import { grantKeyId } from './key-id.js';
import { grantRefusal } from '../testing/index.js';

const gateway = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
const now = 1_765_000_000_000;
const grant: Grant = {
  v: 1,
  app: 'APP-0001',
  fn: 'full-lifecycle',
  role: 'om-engineer',
  sys: 'monitoring',
  devices: ['88.1001.1/PVI-000001'],
  fields: ['outputPowerW'],
  res: 'r1',
  exp: now + 30_000,
  nonce: 'n1',
};
const at = { subgraph: 'monitoring', now };

/** The parts of a token, decoded. */
function partsOf(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [header = '', claims = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>,
  };
}

/** A token over the header and claims given, signed by `key` as a JWS is. */
function jws(header: unknown, claims: unknown, key = gateway.privateKey): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

describe('grants', () => {
  it('is a compact JWS with the protocol header and JWT claims in seconds', () => {
    const token = signGrant(grant, gateway.privateKey, { now });
    expect(token.split('.')).toHaveLength(3);
    const { header, claims } = partsOf(token);
    expect(header).toEqual({
      alg: 'EdDSA',
      kid: grantKeyId(gateway.publicKey),
      typ: 'gridmark-grant+jwt',
    });
    expect(claims).toEqual({
      ver: 1,
      aud: 'monitoring',
      iat: now / 1000,
      exp: now / 1000 + 30,
      jti: 'n1',
      app: 'APP-0001',
      fn: 'full-lifecycle',
      role: 'om-engineer',
      devices: ['88.1001.1/PVI-000001'],
      fields: ['outputPowerW'],
      res: 'r1',
    });
  });

  it('accepts a grant signed by the gateway for this system, with one key or a key set', () => {
    const token = signGrant(grant, gateway.privateKey, { now });
    expect(verifyGrant(token, gateway.publicKey, at)).toEqual(grant);
    expect(verifyGrant(token, [intruder.publicKey, gateway.publicKey], at)).toEqual(grant);
  });

  it('refuses a grant under a key id it does not know, and one whose kid names another key', () => {
    expect(
      grantRefusal(() => verifyGrant(signGrant(grant, intruder.privateKey), gateway.publicKey, at)),
    ).toBe('UNKNOWN_KEY');
    const { header, claims } = partsOf(signGrant(grant, gateway.privateKey, { now }));
    expect(
      grantRefusal(() =>
        verifyGrant(jws(header, claims, intruder.privateKey), gateway.publicKey, at),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('refuses a grant whose field list was widened after signing', () => {
    const [header, , signature] = signGrant(grant, gateway.privateKey, { now }).split('.');
    const { claims } = partsOf(signGrant(grant, gateway.privateKey, { now }));
    const widened = Buffer.from(
      JSON.stringify({ ...claims, fields: ['outputPowerW', 'assetValueFen'] }),
    ).toString('base64url');
    expect(
      grantRefusal(() =>
        verifyGrant(`${header ?? ''}.${widened}.${signature ?? ''}`, gateway.publicKey, at),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('allows the clock skew on exp and iat, and refuses past it', () => {
    const token = signGrant(grant, gateway.privateKey, { now });
    const exp = grant.exp;
    expect(verifyGrant(token, gateway.publicKey, { ...at, now: exp + 30_000 }).nonce).toBe('n1');
    expect(
      grantRefusal(() => verifyGrant(token, gateway.publicKey, { ...at, now: exp + 30_001 })),
    ).toBe('EXPIRED');
    expect(
      grantRefusal(() =>
        verifyGrant(token, gateway.publicKey, { ...at, now: exp + 6_000, skewSeconds: 5 }),
      ),
    ).toBe('EXPIRED');
    expect(verifyGrant(token, gateway.publicKey, { ...at, now: now - 30_000 }).nonce).toBe('n1');
    expect(
      grantRefusal(() => verifyGrant(token, gateway.publicKey, { ...at, now: now - 30_001 })),
    ).toBe('NOT_YET_VALID');
  });

  it('refuses a grant for another system, and a missing or malformed one', () => {
    const token = signGrant(grant, gateway.privateKey, { now });
    expect(
      grantRefusal(() => verifyGrant(token, gateway.publicKey, { ...at, subgraph: 'asset' })),
    ).toBe('WRONG_SYSTEM');
    expect(grantRefusal(() => verifyGrant(undefined, gateway.publicKey, at))).toBe('MISSING');
    expect(grantRefusal(() => verifyGrant('', gateway.publicKey, at))).toBe('MISSING');
    for (const bad of ['abc', 'a.b', 'a.b.c.d', `${token}=`, token.replace('.', '.+'), `${token} `])
      expect(
        grantRefusal(() => verifyGrant(bad, gateway.publicKey, at)),
        bad,
      ).toBe('MALFORMED');
  });

  it('refuses claims of the wrong type or version, or living longer than 300 s', () => {
    const { header, claims } = partsOf(signGrant(grant, gateway.privateKey, { now }));
    for (const change of [
      { ver: 2 },
      { ver: '1' },
      { aud: 7 },
      { exp: String(claims['exp']) },
      { iat: 1.5 },
      { jti: '' },
      { devices: '88.1001.1/PVI-000001' },
      { fields: [1] },
      { exp: (claims['iat'] as number) + 301 },
      { exp: claims['iat'] },
    ])
      expect(
        grantRefusal(() =>
          verifyGrant(jws(header, { ...claims, ...change }), gateway.publicKey, at),
        ),
        JSON.stringify(change),
      ).toBe('MALFORMED');
    const withoutJti = { ...claims };
    delete withoutJti['jti'];
    expect(grantRefusal(() => verifyGrant(jws(header, withoutJti), gateway.publicKey, at))).toBe(
      'MALFORMED',
    );
  });

  it('honours a nonce once, and forgets it after its grant expires', () => {
    let clock = 1_000;
    const guard = createReplayGuard(() => clock);
    expect(guard.firstUse('n1', 2_000)).toBe(true);
    expect(guard.firstUse('n1', 2_000)).toBe(false);
    clock = 10_000;
    expect(guard.firstUse('n2', 20_000)).toBe(true);
    expect(guard.firstUse('n1', 20_000)).toBe(true);
  });
});
