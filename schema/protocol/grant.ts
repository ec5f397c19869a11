import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  readJws,
  signJws,
  verifyJwsSignature,
  type GatewayPublicKeys,
  type GrantKeySource,
} from './compact-jws.js';
import { GridmarkError } from './errors.js';
import { refuseGrant, type GrantRefusal } from './grant-refusal.js';

export { refuseGrant, type GrantRefusal, type GatewayPublicKeys, type GrantKeySource };

/**
 * A grant: the gateway's signed statement that one subgraph request may read these fields of
 * these devices, for this application's function, under this resolution, until `exp`. It travels
 * in the {@link GRANT_HEADER} header as a compact JWS whose claims are {@link GrantClaims}; the
 * subgraph kit checks it in front of every field. This is its form inside TypeScript; the wire's
 * names and units are the claims'.
 */
export interface Grant {
  readonly v: 1;
  /** Application id. */
  readonly app: string;
  /** The function the application performs. */
  readonly fn: string;
  readonly role: string;
  /** The subgraph (business system) the grant is for: the claim `aud`. */
  readonly sys: string;
  /** Device identifiers the request may read. */
  readonly devices: readonly string[];
  /** Field names (`Device.<name>`) the request may read. */
  readonly fields: readonly string[];
  /** The resolution this grant derives from. */
  readonly res: string;
  /** Expiry, milliseconds since the epoch; the claim `exp` holds it in whole seconds, rounded down. */
  readonly exp: number;
  /** Single use: the claim `jti`. */
  readonly nonce: string;
}

/**
 * A grant's JWT claims (RFC 7519) as they travel, protocol version 1. Times are NumericDate:
 * whole seconds since the epoch.
 */
export interface GrantClaims {
  /** Protocol version. */
  readonly ver: 1;
  /** The system's subgraph name. */
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
  /** Single-use nonce. */
  readonly jti: string;
  readonly app: string;
  readonly fn: string;
  readonly role: string;
  readonly devices: readonly string[];
  readonly fields: readonly string[];
  readonly res: string;
}

/** The HTTP header that carries a grant. */
export const GRANT_HEADER = 'x-gridmark-grant';
/** The JWS `typ` of a grant. */
export const GRANT_TYPE = 'gridmark-grant+jwt';
/** The longest a grant may live, `exp - iat`, in seconds; the gateway issues 30-second grants. */
export const MAX_GRANT_LIFETIME_SECONDS = 300;
/** The clock skew a system allows by default, in seconds, on `exp` and on `iat`. */
export const DEFAULT_GRANT_SKEW_SECONDS = 30;
const MAX_NONCE_LENGTH = 200;

/** What a system expects of every grant it reads. */
export interface GrantExpectation {
  readonly subgraph: string;
  /** Now, milliseconds since the epoch. Default: the clock. */
  readonly now?: number;
  /** Allowed clock skew in seconds. Default {@link DEFAULT_GRANT_SKEW_SECONDS}. */
  readonly skewSeconds?: number;
}

/**
 * The claims of a grant issued at `issuedAt` (milliseconds): `iat` is that second, or the second
 * before `exp` when `exp` is not after it (a grant made to be expired stays well-formed).
 */
export function grantClaims(grant: Grant, issuedAt: number): GrantClaims {
  const exp = Math.floor(grant.exp / 1000);
  return {
    ver: 1,
    aud: grant.sys,
    iat: Math.min(Math.floor(issuedAt / 1000), exp - 1),
    exp,
    jti: grant.nonce,
    app: grant.app,
    fn: grant.fn,
    role: grant.role,
    devices: grant.devices,
    fields: grant.fields,
    res: grant.res,
  };
}

/**
 * Signs a grant with the gateway's Ed25519 key as a compact JWS naming the key's id.
 *
 * @example signGrant(grant, signingKey) // 'eyJhbGciOiJFZERTQSIs…'
 */
export function signGrant(
  grant: Grant,
  privateKey: KeyObject,
  options: { readonly now?: number } = {},
): string {
  return signJws(GRANT_TYPE, grantClaims(grant, options.now ?? Date.now()), privateKey);
}

/**
 * Checks a grant token, in the protocol's order: present, well-formed, signed by the gateway key
 * its `kid` names, meant for this subgraph, not expired, not issued in the future (both within
 * the allowed skew). Replays are the caller's to check with {@link createReplayGuard}.
 *
 * @throws GridmarkError `GRANT_REFUSED` with `details.reason` a {@link GrantRefusal}.
 */
export function verifyGrant(
  token: string | undefined,
  publicKeys: GatewayPublicKeys,
  expect: GrantExpectation,
): Grant {
  if (token === undefined || token === '')
    return refuseGrant('MISSING', 'The request carries no grant from the gateway.');
  const jws = readJws(token, GRANT_TYPE, 'grant');
  const claims = readGrantClaims(jws.claims);
  verifyJwsSignature(jws, publicKeys, 'grant');
  return acceptGrant(claims, expect);
}

/**
 * Reads a grant's claims: every member of the right type, version 1, a lifetime of at most
 * {@link MAX_GRANT_LIFETIME_SECONDS}.
 *
 * @throws GridmarkError `GRANT_REFUSED` (`MALFORMED`).
 */
export function readGrantClaims(claims: Readonly<Record<string, unknown>>): GrantClaims {
  const c = claims;
  if (c['ver'] !== 1)
    return refuseGrant('MALFORMED', 'The grant is not of protocol version 1 (ver).');
  if (
    !isText(c['aud']) ||
    !isText(c['app']) ||
    !isText(c['fn']) ||
    !isText(c['role']) ||
    typeof c['res'] !== 'string' ||
    !isText(c['jti']) ||
    c['jti'].length > MAX_NONCE_LENGTH ||
    !isTextList(c['devices']) ||
    !isTextList(c['fields']) ||
    !Number.isSafeInteger(c['iat']) ||
    !Number.isSafeInteger(c['exp'])
  )
    return refuseGrant('MALFORMED', 'The grant lacks required claims, or one has the wrong type.');
  const lifetime = (c['exp'] as number) - (c['iat'] as number);
  if (lifetime <= 0 || lifetime > MAX_GRANT_LIFETIME_SECONDS)
    return refuseGrant(
      'MALFORMED',
      `The grant lives ${lifetime} s; exp - iat is 1 to ${MAX_GRANT_LIFETIME_SECONDS} seconds.`,
    );
  return claims as unknown as GrantClaims;
}

/**
 * The grant of authenticated, well-formed claims, once they are meant for this subgraph and
 * current within the skew.
 *
 * @throws GridmarkError `GRANT_REFUSED` (`WRONG_SYSTEM`, `EXPIRED`, `NOT_YET_VALID`).
 */
export function acceptGrant(claims: GrantClaims, expect: GrantExpectation): Grant {
  if (claims.aud !== expect.subgraph)
    return refuseGrant('WRONG_SYSTEM', `The grant is for ${claims.aud}, not ${expect.subgraph}.`);
  const now = (expect.now ?? Date.now()) / 1000;
  const skew = expect.skewSeconds ?? DEFAULT_GRANT_SKEW_SECONDS;
  if (now > claims.exp + skew) return refuseGrant('EXPIRED', 'The grant has expired.');
  if (claims.iat > now + skew)
    return refuseGrant(
      'NOT_YET_VALID',
      'The grant was issued further ahead than the clocks may differ.',
    );
  return {
    v: 1,
    app: claims.app,
    fn: claims.fn,
    role: claims.role,
    sys: claims.aud,
    devices: claims.devices,
    fields: claims.fields,
    res: claims.res,
    exp: claims.exp * 1000,
    nonce: claims.jti,
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Remembers nonces until their grants expire, so a grant is honoured once. */
export interface ReplayGuard {
  /** True the first time a nonce is seen; false for a replay. `expiresAt` in milliseconds. */
  firstUse(nonce: string, expiresAt: number): boolean;
}

/**
 * A replay guard in memory; expired nonces are forgotten as time passes. A system remembers a
 * nonce until its grant's `exp` plus the allowed skew, as long as the grant could be accepted.
 */
export function createReplayGuard(now: () => number = Date.now): ReplayGuard {
  const seen = new Map<string, number>();
  let sweepAt = 0;
  return {
    firstUse(nonce, expiresAt) {
      const t = now();
      if (t >= sweepAt) {
        for (const [key, exp] of seen) if (exp <= t) seen.delete(key);
        sweepAt = t + 5_000;
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, expiresAt);
      return true;
    },
  };
}

/** Reads a gateway public key given as PEM. @throws GridmarkError `BAD_CONFIGURATION`. */
export function grantPublicKey(pem: string): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519')
      throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
    return key;
  } catch (cause) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      'The gateway public key is not an Ed25519 PEM public key.',
      { cause },
    );
  }
}
