import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { GridmarkError, grantKeyId } from '../../schema/index.js';
import { GrantMinter, grantSigningKey, keyIdOf } from './grant-minter.js';

const gateway = generateKeyPairSync('ed25519');
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('the grants the checks mint', () => {
  it("name the key by its RFC 7638 thumbprint, as jose and the protocol's own code compute it", async () => {
    const thumbprint = await calculateJwkThumbprint(await exportJWK(gateway.publicKey), 'sha256');
    expect(keyIdOf(gateway.privateKey)).toBe(thumbprint);
    expect(keyIdOf(gateway.publicKey)).toBe(thumbprint);
    expect(grantKeyId(gateway.publicKey)).toBe(thumbprint);
  });

  it('verify with jose against the key set, with the claims of docs/protocol.md', async () => {
    const minter = new GrantMinter(grantSigningKey(gateway.privateKey), 'maker', () => NOW);
    const token = minter.sign(minter.claims(['88.1001.1/INV-1'], ['model']));
    const jwk = { ...(await exportJWK(gateway.publicKey)), kid: keyIdOf(gateway.publicKey) };
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet({ keys: [jwk] }),
      {
        algorithms: ['EdDSA'],
        typ: 'gridmark-grant+jwt',
        audience: 'maker',
        currentDate: new Date(NOW),
      },
    );
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: jwk.kid, typ: 'gridmark-grant+jwt' });
    expect(payload).toMatchObject({
      ver: 1,
      aud: 'maker',
      iat: NOW / 1000,
      exp: NOW / 1000 + 30,
      devices: ['88.1001.1/INV-1'],
      fields: ['model'],
    });
    expect(typeof payload.jti).toBe('string');
    expect(token).not.toMatch(/[=+/]/);
  });

  it('make an unsecured grant with alg none and an empty signature', () => {
    const minter = new GrantMinter(grantSigningKey(gateway.privateKey), 'maker');
    const [header, , signature] = minter.unsigned(minter.claims([], [])).split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({
      alg: 'none',
    });
    expect(signature).toBe('');
  });

  it('refuse a key that is not an Ed25519 private key', () => {
    const x25519 = generateKeyPairSync('x25519').privateKey;
    for (const key of [x25519, gateway.publicKey]) {
      const error = (() => {
        try {
          grantSigningKey(key);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(GridmarkError);
      expect((error as GridmarkError).code).toBe('BAD_CONFIGURATION');
    }
  });
});
