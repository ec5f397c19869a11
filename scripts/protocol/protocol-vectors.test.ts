import { createHash, createPrivateKey, type JsonWebKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { merkleTree, verifyTradeReceipt } from '../../ledger-adapter/index.js';
import {
  GridmarkError,
  canonicalJson,
  commitField,
  createGrantVerifier,
  createReplayGuard,
  grantPublicKeysFromJwks,
  verifyGrant,
  type Grant,
} from '../../schema/index.js';
import {
  VECTORS_DIRECTORY,
  protocolVectorFiles,
  type CommitmentVectorFile,
  type GrantVectorFile,
  type JcsVectorFile,
  type ReceiptVectorFile,
  type SealedGrantVectorFile,
} from './protocol-vectors.js';

/** A vector file, read as the shape the generator gives it. */
function read<T>(name: string): T {
  return JSON.parse(readFileSync(join(VECTORS_DIRECTORY, name), 'utf8')) as T;
}

/** What a system answers to a grant: its claims, or the reason it refuses. */
function outcome(check: () => Grant): { valid: true } | { valid: false; reason: unknown } {
  try {
    check();
    return { valid: true };
  } catch (error) {
    if (error instanceof GridmarkError && error.code === 'GRANT_REFUSED')
      return { valid: false, reason: error.details['reason'] };
    throw error;
  }
}

describe('protocol test vectors', () => {
  it('are the files the generator writes, and no others', () => {
    const built = protocolVectorFiles();
    const onDisk = readdirSync(VECTORS_DIRECTORY)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(onDisk).toEqual(Object.keys(built).sort());
    for (const [name, text] of Object.entries(built))
      expect(
        readFileSync(join(VECTORS_DIRECTORY, name), 'utf8'),
        `${name}: run npm run vectors`,
      ).toBe(text);
  });

  it('grants: each is accepted or refused for the reason the file states', () => {
    const file = read<GrantVectorFile>('grants.json');
    const keys = grantPublicKeysFromJwks(file.jwks).map((k) => k.key);
    expect(file.vectors.length).toBeGreaterThan(20);
    for (const vector of file.vectors) {
      const now = (vector.now ?? file.now) * 1000;
      const guard = createReplayGuard(() => now);
      const check = (): Grant => {
        const grant = verifyGrant(vector.token, keys, {
          subgraph: file.audience,
          now,
          skewSeconds: file.skewSeconds,
        });
        if (vector.jtiSeenBefore) guard.firstUse(grant.nonce, grant.exp + 30_000);
        if (!guard.firstUse(grant.nonce, grant.exp + 30_000))
          throw new GridmarkError('GRANT_REFUSED', 'replayed', { details: { reason: 'REPLAYED' } });
        return grant;
      };
      const expected = vector.expect.valid
        ? { valid: true }
        : { valid: false, reason: vector.expect.reason };
      expect(outcome(check), vector.name).toEqual(expected);
      if (vector.expect.valid) {
        const claims: unknown = JSON.parse(
          Buffer.from(vector.token.split('.')[1] ?? '', 'base64url').toString(),
        );
        expect(claims, vector.name).toEqual(vector.expect.claims);
      }
    }
    // The published private half is the published public half's.
    const privateKey = createPrivateKey({
      key: file.gatewayKey.private as JsonWebKey,
      format: 'jwk',
    });
    expect(privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it('sealed grants: each is accepted or refused for the reason the file states', () => {
    const file = read<SealedGrantVectorFile>('sealed-grants.json');
    const keys = grantPublicKeysFromJwks(file.jwks).map((k) => k.key);
    for (const vector of file.vectors) {
      const verifier = createGrantVerifier({
        gatewayPublicKey: keys,
        subgraph: file.audience,
        grantKey: createPrivateKey({
          key: file.systemGrantKey.private as JsonWebKey,
          format: 'jwk',
        }),
      });
      expect(verifier.grantKey).toBe(file.systemGrantKey.public);
      const now = (vector.now ?? file.now) * 1000;
      const expected = vector.expect.valid
        ? { valid: true }
        : { valid: false, reason: vector.expect.reason };
      expect(
        outcome(() => verifier.verify(vector.token, now)),
        vector.name,
      ).toEqual(expected);
    }
  });

  it('commitments: every input hashes to its commitment, through its preimage', () => {
    for (const vector of read<CommitmentVectorFile>('commitments.json').vectors) {
      expect(canonicalJson(vector.value)).toBe(vector.canonicalValue);
      expect(commitField(vector)).toBe(vector.commitment);
      expect(createHash256(vector.preimage)).toBe(vector.commitment);
    }
  });

  it('JCS: every input is written as the file says, or refused', () => {
    for (const vector of read<JcsVectorFile>('jcs.json').vectors) {
      const value: unknown = JSON.parse(vector.input);
      if (vector.error)
        expect(() => canonicalJson(value), vector.name).toThrow(
          expect.objectContaining({ code: vector.error }) as Error,
        );
      else expect(canonicalJson(value), vector.name).toBe(vector.output);
    }
  });

  it('receipts: every proof leads from its trade to the batch root', () => {
    const file = read<ReceiptVectorFile>('receipts.json');
    const leaves = file.vectors.map((v) => v.receipt.leafHash);
    expect(merkleTree(leaves).root).toBe(file.merkleRoot);
    for (const { trade, canonicalTrade, receipt } of file.vectors) {
      expect(canonicalJson(trade)).toBe(canonicalTrade);
      expect(createHash256(canonicalTrade)).toBe(receipt.leafHash);
      expect(verifyTradeReceipt(trade, receipt)).toBe(true);
      expect(verifyTradeReceipt({ ...trade, amountFen: trade.amountFen + 1 }, receipt)).toBe(false);
    }
  });
});

function createHash256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
