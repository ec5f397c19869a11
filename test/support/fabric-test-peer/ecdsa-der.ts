import { sign, type KeyObject } from 'node:crypto';

// The order of the P-256 group and its half. Fabric accepts only low-S ECDSA signatures, so
// that a valid signature cannot be rewritten into a second valid one (malleability).
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_ORDER = P256_ORDER >> 1n;

interface Signature {
  readonly r: bigint;
  readonly s: bigint;
}

/** True when `der` is a DER ECDSA signature whose S is in the lower half of the P-256 order. */
export function isLowS(der: Uint8Array): boolean {
  const parsed = parseDer(der);
  return parsed !== undefined && parsed.s > 0n && parsed.s <= P256_HALF_ORDER;
}

/** Signs SHA-256 of `message` with a P-256 key and returns a low-S DER signature, as Fabric peers do. */
export function signLowS(message: Uint8Array, key: KeyObject): Uint8Array {
  const der = sign('sha256', message, key);
  const parsed = parseDer(der);
  if (parsed === undefined || parsed.s <= P256_HALF_ORDER) return der;
  return encodeDer({ r: parsed.r, s: P256_ORDER - parsed.s });
}

function parseDer(der: Uint8Array): Signature | undefined {
  if (der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readInteger(der, 2);
  if (r === undefined) return undefined;
  const s = readInteger(der, r.next);
  if (s === undefined || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function readInteger(der: Uint8Array, offset: number): { value: bigint; next: number } | undefined {
  const length = der[offset + 1];
  if (der[offset] !== 0x02 || length === undefined || length === 0 || length > 33) return undefined;
  const bytes = der.subarray(offset + 2, offset + 2 + length);
  if (bytes.length !== length) return undefined;
  return { value: BigInt('0x' + Buffer.from(bytes).toString('hex')), next: offset + 2 + length };
}

function encodeDer({ r, s }: Signature): Uint8Array {
  const integer = (value: bigint): Buffer => {
    let hex = value.toString(16);
    if (hex.length % 2 === 1) hex = '0' + hex;
    let bytes = Buffer.from(hex, 'hex');
    if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
