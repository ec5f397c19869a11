import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys: `gmk_<key id>_<secret>`. The key id finds the principal; only the SHA-256 of the
 * secret is stored. Secrets are 32 random bytes, so a fast hash is enough: there is nothing to
 * guess, and a stolen database does not yield usable keys.
 */
export interface IssuedKey {
  readonly keyId: string;
  /** The full key, shown once to its owner and never stored. */
  readonly apiKey: string;
  /** What is stored. */
  readonly secretHash: string;
}

const KEY_SHAPE = /^gmk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Mints a new key. */
export function issueApiKey(): IssuedKey {
  const keyId = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { keyId, apiKey: `gmk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented key; undefined when it is not shaped like one. */
export function parseApiKey(
  apiKey: string,
): { readonly keyId: string; readonly secret: string } | undefined {
  const match = KEY_SHAPE.exec(apiKey);
  return match ? { keyId: match[1] ?? '', secret: match[2] ?? '' } : undefined;
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
