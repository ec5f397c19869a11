import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signGrant, type Grant } from './grant.js';
import {
  createGrantVerifier,
  isGrantKey,
  newGrantKeyPair,
  openGrantChannel,
  sealGrant,
  type GrantChannel,
} from './grant-channel.js';
import { grantRefusal } from '../testing/index.js';

const gateway = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
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

/** A system's verifier and a gateway channel to it, as the gateway opens one. */
function channelTo(
  system = 'monitoring',
  options: { signingKey?: typeof gateway.privateKey; exp?: number } = {},
) {
  const verifier = createGrantVerifier({ gatewayPublicKey: gateway.publicKey, subgraph: system });
  const channel = openGrantChannel({
    system,
    systemKey: verifier.grantKey,
    gatewayKey: newGrantKeyPair(),
    signingKey: options.signingKey ?? gateway.privateKey,
    exp: options.exp ?? now + 600_000,
  });
  return { verifier, channel };
}

/** Replaces part `index` of a sealed grant. */
function withPart(token: string, index: number, part: string): string {
  const parts = token.split('.');
  parts[index] = part;
  return parts.join('.');
}

describe('grant channels', () => {
  it('accepts a grant sealed in a channel the gateway opened to this system, again and again', () => {
    const { verifier, channel } = channelTo();
    expect(isGrantKey(verifier.grantKey)).toBe(true);
    expect(verifier.verify(sealGrant(grant, channel), now)).toEqual(grant);
    expect(verifier.verify(sealGrant({ ...grant, nonce: 'n2' }, channel), now)).toEqual({
      ...grant,
      nonce: 'n2',
    });
  });

  it('still accepts grants signed with the gateway key alone', () => {
    const { verifier } = channelTo();
    expect(verifier.verify(signGrant(grant, gateway.privateKey), now)).toEqual(grant);
    expect(grantRefusal(() => verifier.verify(signGrant(grant, intruder.privateKey), now))).toBe(
      'UNKNOWN_KEY',
    );
    expect(grantRefusal(() => verifier.verify(undefined, now))).toBe('MISSING');
  });

  it('refuses a widened payload, a MAC under another key and a channel signed by anyone but the gateway', () => {
    const { verifier, channel } = channelTo();
    const sealed = sealGrant(grant, channel);
    const claims = JSON.parse(
      Buffer.from(sealed.split('.')[4] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    const widened = Buffer.from(
      JSON.stringify({ ...claims, fields: ['outputPowerW', 'assetValueFen'] }),
    ).toString('base64url');
    expect(grantRefusal(() => verifier.verify(withPart(sealed, 4, widened), now))).toBe(
      'BAD_SIGNATURE',
    );
    // Resealed by someone who guessed at the key: not the channel's.
    const guessed: GrantChannel = { ...channel, key: Buffer.alloc(32, 7) };
    expect(grantRefusal(() => verifier.verify(sealGrant(grant, guessed), now))).toBe(
      'BAD_SIGNATURE',
    );
    // An intruder opening its own channel to the system (its own X25519 key, its own Ed25519
    // signature): its key id is not the gateway's, and naming the gateway's does not sign it.
    const forged = openGrantChannel({
      system: 'monitoring',
      systemKey: verifier.grantKey,
      gatewayKey: newGrantKeyPair(),
      signingKey: intruder.privateKey,
      exp: now + 600_000,
    });
    expect(grantRefusal(() => verifier.verify(sealGrant(grant, forged), now))).toBe('UNKNOWN_KEY');
    const gatewayKid = sealed.split('.')[1] ?? '';
    expect(
      grantRefusal(() => verifier.verify(withPart(sealGrant(grant, forged), 1, gatewayKid), now)),
    ).toBe('BAD_SIGNATURE');
    // The gateway's statement with the intruder's X25519 key swapped in breaks the signature.
    const statement = JSON.parse(
      Buffer.from(sealed.split('.')[2] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    const swapped = Buffer.from(
      JSON.stringify({ ...statement, gk: newGrantKeyPair().publicKey }),
    ).toString('base64url');
    expect(grantRefusal(() => verifier.verify(withPart(sealed, 2, swapped), now))).toBe(
      'BAD_SIGNATURE',
    );
    expect(
      grantRefusal(() =>
        verifier.verify(
          withPart(sealed, 5, createHmac('sha256', 'x').update('y').digest('base64url')),
          now,
        ),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('refuses a channel opened to another system, or to a key this system no longer holds', () => {
    const { channel: toAsset } = channelTo('asset');
    const { verifier } = channelTo('monitoring');
    expect(grantRefusal(() => verifier.verify(sealGrant(grant, toAsset), now))).toBe(
      'WRONG_SYSTEM',
    );
    // The same system after a restart: a new key; the old channel is stale, and says which key is current.
    const { channel: beforeRestart } = channelTo('monitoring');
    const restarted = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
    });
    expect(grantRefusal(() => restarted.verify(sealGrant(grant, beforeRestart), now))).toBe(
      'STALE_KEY',
    );
    expect(() => restarted.verify(sealGrant(grant, beforeRestart), now)).toThrow(
      restarted.grantKey,
    );
  });

  it('refuses an expired channel, an expired grant, a grant for another system and malformed tokens', () => {
    const { verifier, channel } = channelTo('monitoring', { exp: now + 1_000 });
    expect(verifier.verify(sealGrant(grant, channel), now)).toEqual(grant);
    // Past the channel's exp and the 30 s of allowed skew.
    expect(grantRefusal(() => verifier.verify(sealGrant(grant, channel), now + 31_001))).toBe(
      'EXPIRED',
    );
    const { verifier: fresh, channel: open } = channelTo();
    expect(
      grantRefusal(() => fresh.verify(sealGrant({ ...grant, exp: now }, open), now + 30_001)),
    ).toBe('EXPIRED');
    expect(grantRefusal(() => fresh.verify(sealGrant({ ...grant, sys: 'asset' }, open), now))).toBe(
      'WRONG_SYSTEM',
    );
    const sealed = sealGrant(grant, open);
    expect(grantRefusal(() => fresh.verify(`${sealed}.extra`, now))).toBe('MALFORMED');
    expect(grantRefusal(() => fresh.verify(sealed.split('.').slice(0, 4).join('.'), now))).toBe(
      'MALFORMED',
    );
    const notJson = Buffer.from('not json').toString('base64url');
    const resealed = `${open.prefix}.${notJson}.${createHmac('sha256', open.key).update(notJson).digest('base64url')}`;
    expect(grantRefusal(() => fresh.verify(resealed, now))).toBe('MALFORMED');
  });

  it('lets replicas of one system share a grant key, so a grant sealed for one is accepted by another', () => {
    const shared = generateKeyPairSync('x25519').privateKey;
    const first = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
      grantKey: shared,
    });
    const second = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
      grantKey: shared,
    });
    expect(second.grantKey).toBe(first.grantKey);
    const channel = openGrantChannel({
      system: 'monitoring',
      systemKey: first.grantKey,
      gatewayKey: newGrantKeyPair(),
      signingKey: gateway.privateKey,
      exp: now + 600_000,
    });
    expect(second.verify(sealGrant(grant, channel), now)).toEqual(grant);
    for (const wrong of [gateway.privateKey, generateKeyPairSync('x25519').publicKey]) {
      expect(() =>
        createGrantVerifier({
          gatewayPublicKey: gateway.publicKey,
          subgraph: 'monitoring',
          grantKey: wrong,
        }),
      ).toThrow(expect.objectContaining({ code: 'BAD_CONFIGURATION' }));
    }
  });

  it('tells a grant key from anything else a system might announce', () => {
    expect(isGrantKey(newGrantKeyPair().publicKey)).toBe(true);
    for (const value of [
      undefined,
      null,
      42,
      '',
      'short',
      `${'A'.repeat(43)}=`,
      'A'.repeat(44),
      `${'A'.repeat(42)}.`,
    ])
      expect(isGrantKey(value)).toBe(false);
  });
});
