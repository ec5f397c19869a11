import { createPublicKey, type KeyObject } from 'node:crypto';
import { GridmarkError } from './errors.js';

/**
 * The gateway's grant-verifying keys as a JSON Web Key Set (RFC 7517), served at
 * {@link GATEWAY_JWKS_PATH}: the key it signs with first, then every earlier key still in its
 * overlap after a rotation. Each key is `{ kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA',
 * use: 'sig' }`. A business system accepts a grant signed by any key of the set.
 */

/** Where a gateway publishes its grant-verifying key set. */
export const GATEWAY_JWKS_PATH = '/.well-known/jwks.json';

/** One published grant-verifying key. */
export interface GrantPublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** The raw public key, base64url. */
  readonly x: string;
  /** The key's id. */
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

/** A grant-verifying key read from a key set, with its id. */
export interface GrantPublicKeyEntry {
  readonly kid: string;
  readonly key: KeyObject;
}

/**
 * Reads a gateway's key set (the JSON of {@link GATEWAY_JWKS_PATH}): every Ed25519 signing key
 * in it, in its order. Keys of other types or uses are skipped; a set without any is refused.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when it is not a key set holding an Ed25519 signing key.
 * @example
 * const set = await (await fetch(new URL(GATEWAY_JWKS_PATH, gatewayUrl))).json();
 * const verifier = createGrantVerifier({
 *   gatewayPublicKey: grantPublicKeysFromJwks(set).map((k) => k.key),
 *   subgraph: 'monitoring',
 * });
 */
export function grantPublicKeysFromJwks(jwks: unknown): readonly GrantPublicKeyEntry[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys))
    throw new GridmarkError('BAD_CONFIGURATION', 'The gateway key set has no "keys" list.');
  const entries: GrantPublicKeyEntry[] = [];
  for (const jwk of keys as unknown[]) {
    if (!isEd25519SigningKey(jwk)) continue;
    try {
      const key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
        format: 'jwk',
      });
      entries.push({ kid: typeof jwk.kid === 'string' ? jwk.kid : '', key });
    } catch (cause) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `The gateway key set holds a key that is not an Ed25519 public key (kid ${JSON.stringify(jwk.kid ?? null)}).`,
        { cause },
      );
    }
  }
  if (entries.length === 0)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      'The gateway key set holds no Ed25519 signing key (kty OKP, crv Ed25519).',
    );
  return entries;
}

function isEd25519SigningKey(jwk: unknown): jwk is { readonly x: string; readonly kid?: unknown } {
  if (jwk === null || typeof jwk !== 'object') return false;
  const k = jwk as Record<string, unknown>;
  return (
    k['kty'] === 'OKP' &&
    k['crv'] === 'Ed25519' &&
    typeof k['x'] === 'string' &&
    (k['use'] === undefined || k['use'] === 'sig') &&
    (k['alg'] === undefined || k['alg'] === 'EdDSA' || k['alg'] === 'Ed25519')
  );
}
