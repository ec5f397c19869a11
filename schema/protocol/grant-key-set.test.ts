import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GridmarkError } from './errors.js';
import {
  createGrantVerifier,
  newGrantKeyPair,
  openGrantChannel,
  sealGrant,
} from './grant-channel.js';
import { grantPublicKeysFromJwks } from './grant-key-set.js';
import { signGrant, verifyGrant, type Grant } from './grant.js';

const previous = generateKeyPairSync('ed25519');
const current = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
// Whole seconds, as grants carry their times.
const now = Math.floor(Date.now() / 1000) * 1000;
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

function jwk(key: typeof current.publicKey, kid: string) {
  return { ...key.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
}

describe('grant key sets', () => {
  it('reads every Ed25519 signing key of a key set, in order, with its kid', () => {
    const entries = grantPublicKeysFromJwks({
      keys: [
        jwk(current.publicKey, 'k2'),
        { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'rsa' },
        jwk(previous.publicKey, 'k1'),
      ],
    });
    expect(entries.map((e) => e.kid)).toEqual(['k2', 'k1']);
    expect(entries[0]?.key.equals(current.publicKey)).toBe(true);
  });

  it('refuses a document that holds no Ed25519 signing key', () => {
    for (const bad of [null, {}, { keys: 'no' }, { keys: [{ kty: 'OKP', crv: 'X25519', x: 'a' }] }])
      expect(() => grantPublicKeysFromJwks(bad)).toThrowError(
        expect.objectContaining({ code: 'BAD_CONFIGURATION' }) as GridmarkError,
      );
  });

  it('accepts grants signed, and channels opened, by any published key, and no other', () => {
    const keys = grantPublicKeysFromJwks({
      keys: [jwk(current.publicKey, 'k2'), jwk(previous.publicKey, 'k1')],
    }).map((e) => e.key);
    for (const signer of [previous, current]) {
      expect(
        verifyGrant(signGrant(grant, signer.privateKey), keys, { subgraph: 'monitoring', now }),
      ).toEqual(grant);
      const verifier = createGrantVerifier({ gatewayPublicKey: keys, subgraph: 'monitoring' });
      const channel = openGrantChannel({
        system: 'monitoring',
        systemKey: verifier.grantKey,
        gatewayKey: newGrantKeyPair(),
        signingKey: signer.privateKey,
        exp: now + 60_000,
      });
      expect(verifier.verify(sealGrant(grant, channel), now)).toEqual(grant);
    }
    expect(() =>
      verifyGrant(signGrant(grant, stranger.privateKey), keys, { subgraph: 'monitoring', now }),
    ).toThrowError(
      expect.objectContaining({
        code: 'GRANT_REFUSED',
        details: { reason: 'UNKNOWN_KEY' },
      }) as GridmarkError,
    );
  });
});
