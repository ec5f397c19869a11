import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { GridmarkError } from './errors.js';

/**
 * A grant: the gateway's signed statement that one subgraph request may read these fields of
 * these devices, for this application's function, under this resolution, until `exp`. It travels
 * in the {@link GRANT_HEADER} header; the subgraph kit checks it in front of every field.
 */
export interface Grant {
  readonly v: 1;
  /** Application id. */
  readonly app: string;
  /** The function the application performs. */
  readonly fn: string;
  readonly role: string;
  /** The subgraph (business system) the grant is for. */
  readonly sys: string;
  /** Device identifiers the request may read. */
  readonly devices: readonly string[];
  /** Field names (`Device.<name>`) the request may read. */
  readonly fields: readonly string[];
  /** The resolution this grant derives from. */
  readonly res: string;
  /** Expiry, milliseconds since the epoch. */
  readonly exp: number;
  /** Single use. */
  readonly nonce: string;
}

/** The HTTP header that carries a grant. */
export const GRANT_HEADER = 'x-gridmark-grant';

/** Why a grant was refused. `STALE_KEY`: sealed for a grant key this system no longer holds. */
export type GrantRefusal =
  'MISSING' | 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'REPLAYED' | 'WRONG_SYSTEM' | 'STALE_KEY';

/** What a system expects of every grant it reads. */
export interface GrantExpectation {
  readonly subgraph: string;
  readonly now?: number;
}

/** @throws GridmarkError `GRANT_REFUSED` with `details.reason` the given {@link GrantRefusal}. */
export function refuseGrant(reason: GrantRefusal, message: string): never {
  throw new GridmarkError('GRANT_REFUSED', message, { details: { reason } });
}

/** Signs a grant with the gateway's Ed25519 key: `<payload base64url>.<signature base64url>`. */
export function signGrant(grant: Grant, privateKey: KeyObject): string {
  const payload = Buffer.from(JSON.stringify(grant));
  return `${payload.toString('base64url')}.${sign(null, payload, privateKey).toString('base64url')}`;
}

/**
 * The gateway's grant-verifying key, or every key it publishes (in its key set, while a rotated
 * key's overlap lasts): a signature by any of them is the gateway's.
 */
export type GatewayPublicKeys = KeyObject | readonly KeyObject[];

/** True when `signature` over `data` is by one of `keys`. */
export function signedByAny(data: Buffer, keys: GatewayPublicKeys, signature: Buffer): boolean {
  const list: readonly KeyObject[] = Array.isArray(keys) ? keys : [keys as KeyObject];
  return list.some((key) => verify(null, data, key, signature));
}

/**
 * Checks a grant token: signature by the gateway's key (any of them, given several), not
 * expired, meant for this subgraph. Replays are the caller's to check with {@link createReplayGuard}.
 *
 * @throws GridmarkError `GRANT_REFUSED` with `details.reason` a {@link GrantRefusal}.
 */
export function verifyGrant(
  token: string | undefined,
  publicKey: GatewayPublicKeys,
  expect: GrantExpectation,
): Grant {
  if (token === undefined || token === '')
    return refuseGrant('MISSING', 'The request carries no grant from the gateway.');
  const [payloadText, signatureText, extra] = token.split('.');
  if (!payloadText || !signatureText || extra !== undefined)
    return refuseGrant('MALFORMED', 'The grant is not <payload>.<signature>.');
  const payload = Buffer.from(payloadText, 'base64url');
  if (!signedByAny(payload, publicKey, Buffer.from(signatureText, 'base64url')))
    return refuseGrant('BAD_SIGNATURE', 'The grant is not signed by the gateway.');
  return readGrant(payload, expect);
}

/**
 * Reads an authenticated grant payload and checks what every grant must state: its members, this
 * subgraph, a time still ahead.
 *
 * @throws GridmarkError `GRANT_REFUSED` (`MALFORMED`, `WRONG_SYSTEM`, `EXPIRED`).
 */
export function readGrant(payload: Buffer, expect: GrantExpectation): Grant {
  let grant: Grant;
  try {
    grant = JSON.parse(payload.toString('utf8')) as Grant;
  } catch {
    return refuseGrant('MALFORMED', 'The grant payload is not JSON.');
  }
  if (
    grant === null ||
    typeof grant !== 'object' ||
    grant.v !== 1 ||
    !Array.isArray(grant.devices) ||
    !Array.isArray(grant.fields) ||
    typeof grant.exp !== 'number' ||
    typeof grant.nonce !== 'string'
  ) {
    return refuseGrant('MALFORMED', 'The grant lacks required members.');
  }
  if (grant.sys !== expect.subgraph)
    return refuseGrant(
      'WRONG_SYSTEM',
      `The grant is for ${String(grant.sys)}, not ${expect.subgraph}.`,
    );
  if (grant.exp <= (expect.now ?? Date.now()))
    return refuseGrant('EXPIRED', 'The grant has expired.');
  return grant;
}

/** Remembers nonces until their grants expire, so a grant is honoured once. */
export interface ReplayGuard {
  /** True the first time a nonce is seen; false for a replay. */
  firstUse(nonce: string, expiresAt: number): boolean;
}

/** A replay guard in memory; expired nonces are forgotten as time passes. */
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
