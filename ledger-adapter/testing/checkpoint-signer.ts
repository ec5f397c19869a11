import { generateKeyPairSync, sign } from 'node:crypto';
import { signCheckpoint, type LedgerCheckpoint } from '../checkpoints/index.js';

/** A node key for tests: signs checkpoints as the embedded ledger does. */
export function testSigner(): {
  readonly publicKeyPem: string;
  signBytes(data: Uint8Array): string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signBytes: (data) => sign(null, data, privateKey).toString('base64'),
  };
}

/** A 64-hex-digit hash made of one repeated digit (`hash('a')`). */
export function hash(digit: string): string {
  return digit.repeat(64);
}

/** A checkpoint of `height` with head `hash(headDigit)`, signed by `signer`. */
export function checkpointAt(
  signer: ReturnType<typeof testSigner>,
  height: number,
  headDigit: string,
  genesis = hash('0'),
): LedgerCheckpoint {
  return signCheckpoint(
    { height, head: hash(headDigit), genesis, at: new Date('2026-12-07T10:00:00.000Z') },
    signer,
  );
}
