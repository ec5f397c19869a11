import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGrantVerifier, sealGrant, silentLogger, type Grant } from '../../schema/index.js';
import { createGrantChannels } from './grant-channels.js';

const gateway = generateKeyPairSync('ed25519');
const LIFETIME = 60_000;
const grantAt = (now: number): Grant => ({
  v: 1,
  app: 'APP-0001',
  fn: 'full-lifecycle',
  role: 'om',
  sys: 'monitoring',
  devices: ['88.1001.1/PVI-000001'],
  fields: ['outputPowerW'],
  res: 'r',
  exp: now + 30_000,
  nonce: `n${now}`,
});

describe("the gateway's grant channels", () => {
  it('has no channel to a system until it announces its key, then one the system accepts', () => {
    const channels = createGrantChannels({
      signingKey: gateway.privateKey,
      logger: silentLogger,
      lifetimeMs: LIFETIME,
    });
    const system = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
    });
    expect(channels.channelFor('monitoring', 0)).toBeUndefined();
    channels.learn('monitoring', system.grantKey);
    const channel = channels.channelFor('monitoring', 0);
    expect(channel).toBeDefined();
    if (!channel) return;
    expect(system.verify(sealGrant(grantAt(0), channel), 0)).toEqual(grantAt(0));
    expect(channels.channelFor('asset', 0)).toBeUndefined();
  });

  it('keeps a channel for half its life, then opens a new one with a new key of its own', () => {
    const channels = createGrantChannels({
      signingKey: gateway.privateKey,
      logger: silentLogger,
      lifetimeMs: LIFETIME,
    });
    const system = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
    });
    channels.learn('monitoring', system.grantKey);
    const first = channels.channelFor('monitoring', 1_000);
    expect(channels.channelFor('monitoring', 1_000 + LIFETIME / 2 - 1)).toBe(first);
    const second = channels.channelFor('monitoring', 1_000 + LIFETIME / 2);
    expect(second).not.toBe(first);
    expect(second?.prefix).not.toBe(first?.prefix);
    expect(second?.exp).toBe(1_000 + LIFETIME / 2 + LIFETIME);
    const now = 1_000 + LIFETIME / 2;
    if (second) expect(system.verify(sealGrant(grantAt(now), second), now)).toEqual(grantAt(now));
  });

  it('opens a new channel when a system announces another key, and ignores what is not a key', () => {
    const channels = createGrantChannels({
      signingKey: gateway.privateKey,
      logger: silentLogger,
      lifetimeMs: LIFETIME,
    });
    const before = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
    });
    channels.learn('monitoring', before.grantKey);
    const first = channels.channelFor('monitoring', 0);
    for (const noise of [undefined, 42, 'not a key', { key: before.grantKey }])
      channels.learn('monitoring', noise);
    channels.learn('monitoring', before.grantKey);
    expect(channels.channelFor('monitoring', 0)).toBe(first);
    const restarted = createGrantVerifier({
      gatewayPublicKey: gateway.publicKey,
      subgraph: 'monitoring',
    });
    channels.learn('monitoring', restarted.grantKey);
    const second = channels.channelFor('monitoring', 0);
    expect(second).not.toBe(first);
    if (second) expect(restarted.verify(sealGrant(grantAt(0), second), 0)).toEqual(grantAt(0));
  });

  it("forgets a key no channel can be agreed with, and signs that system's grants instead", () => {
    const warnings: string[] = [];
    const channels = createGrantChannels({
      signingKey: gateway.privateKey,
      logger: { ...silentLogger, warn: (m: string) => warnings.push(m) },
      lifetimeMs: LIFETIME,
    });
    // The all-zero point agrees on an all-zero secret, which X25519 refuses.
    channels.learn('monitoring', Buffer.alloc(32).toString('base64url'));
    expect(channels.channelFor('monitoring', 0)).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringContaining(
        'business system "monitoring" announced a grant key no channel can be agreed with',
      ),
    ]);
    expect(channels.channelFor('monitoring', 0)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});
