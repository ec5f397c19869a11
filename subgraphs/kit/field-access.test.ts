import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GRANT_HEADER, PROTOCOL_HEADER, signGrant, type Grant } from '../../schema/index.js';
import { createAccessChecker, type RequestAccess } from './field-access.js';

const gateway = generateKeyPairSync('ed25519');
const issuedAt = 1_765_000_000_000;
const grant: Grant = {
  v: 1,
  app: 'APP-0001',
  fn: 'f',
  role: '*',
  sys: 'maker',
  devices: ['88.1001.1/INV-1'],
  fields: ['model'],
  res: 'R',
  exp: issuedAt + 30_000,
  nonce: 'n1',
};

function reason(access: RequestAccess): unknown {
  return access.kind === 'refused'
    ? (access.error.details['reason'] ?? access.error.code)
    : access.kind;
}

describe('the access checker', () => {
  it('allows the configured clock skew past exp, and no more', () => {
    const token = signGrant(grant, gateway.privateKey, { now: issuedAt });
    const headers = (name: string) => (name === GRANT_HEADER ? token : undefined);
    const at = (now: number, skewSeconds: number) =>
      reason(
        createAccessChecker(
          { kind: 'grants', gatewayPublicKey: gateway.publicKey, skewSeconds, now: () => now },
          'maker',
        ).check(headers),
      );
    expect(at(grant.exp + 30_000, 30)).toBe('granted');
    expect(at(grant.exp + 30_001, 30)).toBe('EXPIRED');
    expect(at(grant.exp + 5_000, 5)).toBe('granted');
    expect(at(grant.exp + 5_001, 5)).toBe('EXPIRED');
  });

  it('remembers a nonce as long as its grant could be accepted', () => {
    let now = issuedAt;
    const checker = createAccessChecker(
      { kind: 'grants', gatewayPublicKey: gateway.publicKey, now: () => now },
      'maker',
    );
    const token = signGrant(grant, gateway.privateKey, { now: issuedAt });
    const headers = (name: string) => (name === GRANT_HEADER ? token : undefined);
    expect(reason(checker.check(headers))).toBe('granted');
    now = grant.exp + 29_000;
    expect(reason(checker.check(headers))).toBe('REPLAYED');
  });

  it('refuses a protocol version it does not speak, grants required or not', () => {
    const headers = (name: string) => (name === PROTOCOL_HEADER ? '2' : undefined);
    expect(reason(createAccessChecker({ kind: 'open' }, 'maker').check(headers))).toBe(
      'PROTOCOL_UNSUPPORTED',
    );
    expect(
      reason(
        createAccessChecker({ kind: 'grants', gatewayPublicKey: gateway.publicKey }, 'maker').check(
          headers,
        ),
      ),
    ).toBe('PROTOCOL_UNSUPPORTED');
    expect(reason(createAccessChecker({ kind: 'open' }, 'maker').check(() => '1'))).toBe('open');
  });
});
