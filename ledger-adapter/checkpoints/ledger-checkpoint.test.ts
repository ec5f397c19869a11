import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../contract/index.js';
import { keyFingerprint } from './key-fingerprint.js';
import { checkpointProblem, parseCheckpoint } from './ledger-checkpoint.js';
import { checkpointAt, hash, testSigner } from '../testing/index.js';

describe('ledger checkpoints', () => {
  const signer = testSigner();

  it('states height, head, genesis, time and key, and verifies by itself', () => {
    const checkpoint = checkpointAt(signer, 42, 'a');
    expect(checkpoint).toMatchObject({
      type: 'gridmark-ledger-checkpoint',
      format: 1,
      height: 42,
      head: hash('a'),
      genesis: hash('0'),
      at: '2026-12-07T10:00:00.000Z',
      publicKey: signer.publicKeyPem,
    });
    expect(checkpoint.keyId).toBe(keyFingerprint(createPublicKey(signer.publicKeyPem)));
    expect(checkpoint.keyId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(checkpointProblem(checkpoint)).toBeUndefined();
    expect(parseCheckpoint(JSON.stringify(checkpoint, null, 2))).toEqual(checkpoint);
  });

  it('signs the canonical JSON, so the order of members in the text does not matter', () => {
    const checkpoint = checkpointAt(signer, 7, 'b');
    const reordered = JSON.parse(canonicalJson(checkpoint)) as object;
    expect(
      checkpointProblem(Object.fromEntries(Object.entries(reordered).reverse())),
    ).toBeUndefined();
  });

  it('refuses a checkpoint whose height, head or time was changed after signing', () => {
    const checkpoint = checkpointAt(signer, 42, 'a');
    expect(checkpointProblem({ ...checkpoint, height: 43 })).toBe('its signature does not verify');
    expect(checkpointProblem({ ...checkpoint, head: hash('c') })).toBe(
      'its signature does not verify',
    );
    expect(checkpointProblem({ ...checkpoint, at: '2027-01-01T00:00:00.000Z' })).toBe(
      'its signature does not verify',
    );
  });

  it("refuses a checkpoint re-signed with another key under the first key's id", () => {
    const other = testSigner();
    const forged = checkpointAt(other, 42, 'a');
    expect(checkpointProblem({ ...forged, keyId: checkpointAt(signer, 42, 'a').keyId })).toBe(
      'its key id is not the fingerprint of its public key',
    );
    expect(
      checkpointProblem({
        ...forged,
        publicKey: signer.publicKeyPem,
        keyId: keyFingerprint(signer.publicKeyPem),
      }),
    ).toBe('its signature does not verify');
  });

  it('names what a malformed checkpoint lacks', () => {
    const checkpoint = checkpointAt(signer, 42, 'a');
    expect(checkpointProblem('text')).toBe('it is not a JSON object');
    expect(checkpointProblem({ ...checkpoint, type: 'other' })).toMatch(/type/);
    expect(checkpointProblem({ ...checkpoint, height: 0 })).toMatch(/height/);
    expect(checkpointProblem({ ...checkpoint, head: 'abc' })).toMatch(/head is not a block hash/);
    expect(checkpointProblem({ ...checkpoint, extra: 1 })).toMatch(/unknown member "extra"/);
    expect(checkpointProblem({ ...checkpoint, publicKey: 'not a key' })).toBe(
      'its public key is not a key',
    );
    expect(() => parseCheckpoint('{')).toThrow('it is not JSON');
  });
});
