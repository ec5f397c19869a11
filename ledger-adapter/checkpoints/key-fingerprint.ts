import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** The prefix of a key fingerprint: the hash it is made with. */
export const FINGERPRINT_PREFIX = 'sha256:';

/**
 * A public key's fingerprint: `sha256:` and the SHA-256 (hex) of its SPKI DER encoding. Accepts
 * a public key, or a private key (whose public half it takes), as a KeyObject or PEM text.
 *
 * @throws Error when `key` is not a key
 * @example keyFingerprint(readFileSync('node-key.pub.pem', 'utf8')) // 'sha256:9f86d0…'
 */
export function keyFingerprint(key: string | KeyObject): string {
  const publicKey =
    typeof key === 'string'
      ? createPublicKey(key)
      : key.type === 'public'
        ? key
        : createPublicKey(key);
  return (
    FINGERPRINT_PREFIX +
    createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
  );
}

/** True when `text` reads as a fingerprint (`sha256:` and 64 hex digits; the prefix may be left out). */
export function isFingerprint(text: string): boolean {
  return /^(?:sha256:)?[0-9a-f]{64}$/i.test(text);
}

/** A fingerprint as {@link keyFingerprint} writes it (prefix, lower case). */
export function normalizeFingerprint(text: string): string {
  const hex = text.toLowerCase().replace(/^sha256:/, '');
  return FINGERPRINT_PREFIX + hex;
}
