import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isLowS, signLowS } from './ecdsa-der.js';

const ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** Rewrites a DER signature (r, s) into its malleable twin (r, n - s), which verifies just as well. */
function twin(der: Uint8Array): Uint8Array {
  const rLength = der[3]!;
  const r = Buffer.from(der.subarray(4, 4 + rLength));
  const sLength = der[5 + rLength]!;
  const s = BigInt(
    '0x' + Buffer.from(der.subarray(6 + rLength, 6 + rLength + sLength)).toString('hex'),
  );
  let hex = (ORDER - s).toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  let sBytes = Buffer.from(hex, 'hex');
  if (sBytes[0]! & 0x80) sBytes = Buffer.concat([Buffer.from([0]), sBytes]);
  const body = Buffer.concat([
    Buffer.from([0x02, r.length]),
    r,
    Buffer.from([0x02, sBytes.length]),
    sBytes,
  ]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe('low-S ECDSA signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('always signs in low-S form, and the signatures verify', () => {
    for (let i = 0; i < 64; i += 1) {
      const message = Buffer.from(`message ${i}`);
      const signature = signLowS(message, privateKey);
      expect(isLowS(signature)).toBe(true);
      expect(verify('sha256', message, publicKey, signature)).toBe(true);
    }
  });

  it('refuses the high-S twin of a valid signature, though it verifies cryptographically', () => {
    const message = Buffer.from('anchor');
    const high = twin(signLowS(message, privateKey));
    expect(verify('sha256', message, publicKey, high)).toBe(true);
    expect(isLowS(high)).toBe(false);
  });

  it('refuses bytes that are not a DER signature', () => {
    expect(isLowS(new Uint8Array([0x30, 0x02, 0x02, 0x00]))).toBe(false);
    expect(isLowS(Buffer.from('not a signature'))).toBe(false);
  });
});
