import {
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { BoundedMap } from '../bounded-map.js';
import { GridmarkError } from './errors.js';
import { readJws, signJws, verifyJwsSignature, type GatewayPublicKeys } from './compact-jws.js';
import {
  acceptGrant,
  DEFAULT_GRANT_SKEW_SECONDS,
  grantClaims,
  readGrantClaims,
  refuseGrant,
  verifyGrant,
  type Grant,
  type GrantExpectation,
} from './grant.js';
import { parseStrictJsonObject } from './strict-json.js';

/**
 * Grant channels: sealing a grant with a key that only the gateway and one business system hold,
 * so that a system checks each grant with an HMAC (microseconds) instead of an Ed25519 signature.
 *
 * Each system holds an X25519 key pair for as long as its process runs and announces the public
 * half beside every answer it gives the gateway (`extensions.gridmark.grantKey`). The gateway,
 * holding an X25519 key pair of its own (renewed every few minutes), signs once per system a
 * *channel statement*: a compact JWS like a grant, typ {@link GRANT_CHANNEL_TYPE}, whose claims
 * are {@link GrantChannelStatement}. Both sides derive the same channel key from the two X25519
 * keys and the statement. A sealed grant is six dot-separated parts:
 *
 *   mac1.<statement header>.<statement claims>.<statement signature>.<grant claims>.<HMAC>
 *
 * - `<grant claims>` is the base64url JSON of the grant's claims, exactly as in a signed grant.
 * - The channel key is HKDF-SHA256 with the X25519 shared secret as input key material, an empty
 *   salt, info `gridmark/grant-channel/v1\n<statement header>.<statement claims>` (ASCII), 32 bytes.
 * - `<HMAC>` is HMAC-SHA256 under the channel key over the ASCII of `<grant claims>`, base64url.
 *
 * A system verifies a statement's signature once and remembers the key it derived; anyone else
 * would need the system's or the gateway's X25519 private key to seal a grant it accepts. A
 * statement made for the key the system held before a restart is refused as `STALE_KEY`, and the
 * answer names the new key. Grants signed with Ed25519 alone are still accepted, so a gateway
 * that does not know a system's key yet (or a third party's tool) can always reach it.
 */

/** The first part of a sealed grant. */
export const SEALED_GRANT_SCHEME = 'mac1';

/** The JWS `typ` of a grant channel statement. */
export const GRANT_CHANNEL_TYPE = 'gridmark-channel+jwt';
/** The longest a channel statement may live, `exp - iat`, in seconds. */
export const MAX_CHANNEL_LIFETIME_SECONDS = 86_400;

/** What a gateway signs to open a channel to one system: the claims of its statement. */
export interface GrantChannelStatement {
  /** Protocol version. */
  readonly ver: 1;
  /** The system the channel leads to (its subgraph name). */
  readonly aud: string;
  /** The system's X25519 public key, raw, base64url. */
  readonly sk: string;
  /** The gateway's X25519 public key, raw, base64url. */
  readonly gk: string;
  /** When the statement was made, seconds since the epoch. */
  readonly iat: number;
  /** Until when grants sealed in this channel are accepted, seconds since the epoch. */
  readonly exp: number;
}

/** The gateway's side of an open channel. */
export interface GrantChannel {
  /** `mac1.<statement JWS>`: what every grant sealed in this channel starts with. */
  readonly prefix: string;
  readonly key: Buffer;
  /** Until when the channel is accepted, milliseconds since the epoch (whole seconds). */
  readonly exp: number;
}

/** An X25519 key pair for grant channels. */
export interface GrantKeyPair {
  readonly privateKey: KeyObject;
  /** The public key, raw, base64url (43 characters). */
  readonly publicKey: string;
}

const CHANNEL_KEY_INFO = 'gridmark/grant-channel/v1\n';
const GRANT_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh X25519 key pair. */
export function newGrantKeyPair(): GrantKeyPair {
  return grantKeyPairOf(generateKeyPairSync('x25519').privateKey);
}

/** The key pair of a configured X25519 private key. @throws GridmarkError `BAD_CONFIGURATION`. */
export function grantKeyPairOf(privateKey: KeyObject): GrantKeyPair {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'x25519') {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `A grant key is an X25519 private key, not ${privateKey.type === 'private' ? `an ${privateKey.asymmetricKeyType ?? 'unknown'} key` : `a ${privateKey.type} key`}.`,
    );
  }
  return { privateKey, publicKey: String(createPublicKey(privateKey).export({ format: 'jwk' }).x) };
}

/** True for something shaped like a grant key a system announces (a raw X25519 key, base64url). */
export function isGrantKey(value: unknown): value is string {
  return typeof value === 'string' && GRANT_KEY_PATTERN.test(value);
}

/**
 * Gateway side: signs the statement for `system` and derives the channel key.
 *
 * @throws Error when `systemKey` is not a usable X25519 key (the gateway then signs grants instead).
 */
export function openGrantChannel(options: {
  readonly system: string;
  readonly systemKey: string;
  readonly gatewayKey: GrantKeyPair;
  readonly signingKey: KeyObject;
  /** Until when, milliseconds since the epoch; the statement holds it in whole seconds. */
  readonly exp: number;
  /** Now, milliseconds since the epoch. Default: the clock. */
  readonly now?: number;
}): GrantChannel {
  const exp = Math.floor(options.exp / 1000);
  const statement: GrantChannelStatement = {
    ver: 1,
    aud: options.system,
    sk: options.systemKey,
    gk: options.gatewayKey.publicKey,
    iat: Math.min(Math.floor((options.now ?? Date.now()) / 1000), exp - 1),
    exp,
  };
  const jws = signJws(GRANT_CHANNEL_TYPE, statement, options.signingKey);
  return {
    prefix: `${SEALED_GRANT_SCHEME}.${jws}`,
    key: channelKey(options.gatewayKey.privateKey, options.systemKey, signingInputOf(jws)),
    exp: exp * 1000,
  };
}

/** Gateway side: seals a grant in a channel (`now`, in milliseconds, sets its `iat`). */
export function sealGrant(grant: Grant, channel: GrantChannel, now = Date.now()): string {
  const claimsText = Buffer.from(JSON.stringify(grantClaims(grant, now))).toString('base64url');
  return `${channel.prefix}.${claimsText}.${createHmac('sha256', channel.key).update(claimsText).digest('base64url')}`;
}

/** Checks the grants of one system, signed or sealed. */
export interface GrantVerifier {
  /** The system's grant key, announced to the gateway beside every answer. */
  readonly grantKey: string;
  /**
   * The grant the token carries, authenticated and meant for this system, current. Replays are
   * the caller's to check.
   *
   * @throws GridmarkError `GRANT_REFUSED` with `details.reason` a `GrantRefusal`.
   */
  verify(token: string | undefined, now: number): Grant;
}

/** Channels a system remembers at once; a gateway opens one per system every few minutes. */
const REMEMBERED_CHANNELS = 64;

/**
 * System side: a verifier holding a fresh X25519 key pair for the life of the process, or the
 * `grantKey` given (replicas of one system behind one address share it, so that a grant sealed
 * for one is accepted by all).
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when `grantKey` is not an X25519 private key.
 */
export function createGrantVerifier(options: {
  /** The gateway's key, every key its key set publishes, or a lookup by key id. */
  readonly gatewayPublicKey: GatewayPublicKeys;
  readonly subgraph: string;
  readonly grantKey?: KeyObject;
  /** Allowed clock skew in seconds (default 30). */
  readonly skewSeconds?: number;
}): GrantVerifier {
  const own = options.grantKey === undefined ? newGrantKeyPair() : grantKeyPairOf(options.grantKey);
  /** Statement text to the channel's key and expiry, once its signature checked out. */
  const channels = new BoundedMap<string, { readonly key: Buffer; readonly exp: number }>(
    REMEMBERED_CHANNELS,
  );
  const skewSeconds = options.skewSeconds;
  const expectAt = (now: number): GrantExpectation => ({
    subgraph: options.subgraph,
    now,
    ...(skewSeconds === undefined ? {} : { skewSeconds }),
  });

  const channelOf = (statementText: string, expect: GrantExpectation): Buffer => {
    let channel = channels.get(statementText);
    if (!channel) {
      const jws = readJws(statementText, GRANT_CHANNEL_TYPE, 'grant channel statement');
      const statement = readStatement(jws.claims);
      verifyJwsSignature(jws, options.gatewayPublicKey, 'grant channel statement');
      if (statement.aud !== expect.subgraph)
        return refuseGrant(
          'WRONG_SYSTEM',
          `The grant channel leads to ${statement.aud}, not ${expect.subgraph}.`,
        );
      if (statement.sk !== own.publicKey)
        return refuseGrant(
          'STALE_KEY',
          `The grant was sealed for a grant key ${expect.subgraph} no longer holds; its key is ${own.publicKey}.`,
        );
      let key: Buffer;
      try {
        key = channelKey(own.privateKey, statement.gk, jws.signingInput);
      } catch {
        return refuseGrant(
          'MALFORMED',
          'The grant channel names a gateway key no channel can be agreed with.',
        );
      }
      channel = { key, exp: statement.exp };
      channels.set(statementText, channel);
    }
    const skew = expect.skewSeconds ?? DEFAULT_GRANT_SKEW_SECONDS;
    if ((expect.now ?? Date.now()) / 1000 > channel.exp + skew)
      return refuseGrant('EXPIRED', 'The grant channel has expired.');
    return channel.key;
  };

  return {
    grantKey: own.publicKey,
    verify(token, now) {
      const expect = expectAt(now);
      if (token === undefined || !token.startsWith(`${SEALED_GRANT_SCHEME}.`))
        return verifyGrant(token, options.gatewayPublicKey, expect);
      const parts = token.split('.');
      const [, header, claims, signature, grantText, macText] = parts;
      if (parts.length !== 6 || !grantText || !macText || grantText.length > 65_536)
        return refuseGrant(
          'MALFORMED',
          'A sealed grant is mac1.<statement header>.<claims>.<signature>.<grant claims>.<mac>.',
        );
      const grantClaimsObject = parseStrictJsonObject(
        Buffer.from(grantText, 'base64url').toString('utf8'),
      );
      if (grantClaimsObject === undefined)
        return refuseGrant(
          'MALFORMED',
          "The sealed grant's claims are not a JSON object naming each member once.",
        );
      const claimsRead = readGrantClaims(grantClaimsObject);
      const key = channelOf(`${header}.${claims}.${signature}`, expect);
      const expected = createHmac('sha256', key).update(grantText).digest();
      const presented = Buffer.from(macText, 'base64url');
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
        return refuseGrant('BAD_SIGNATURE', 'The grant is not sealed by the gateway.');
      return acceptGrant(claimsRead, expect);
    },
  };
}

/** The channel key both sides derive: HKDF-SHA256 over the X25519 agreement, bound to the statement. */
function channelKey(privateKey: KeyObject, peerKey: string, statementSigningInput: string): Buffer {
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: peerKey },
    format: 'jwk',
  });
  const shared = diffieHellman({ privateKey, publicKey });
  return Buffer.from(
    hkdfSync('sha256', shared, Buffer.alloc(0), `${CHANNEL_KEY_INFO}${statementSigningInput}`, 32),
  );
}

/** `<header>.<claims>` of a compact JWS. */
function signingInputOf(jws: string): string {
  return jws.slice(0, jws.lastIndexOf('.'));
}

function readStatement(claims: Readonly<Record<string, unknown>>): GrantChannelStatement {
  const c = claims;
  if (
    c['ver'] !== 1 ||
    typeof c['aud'] !== 'string' ||
    !isGrantKey(c['sk']) ||
    !isGrantKey(c['gk']) ||
    !Number.isSafeInteger(c['iat']) ||
    !Number.isSafeInteger(c['exp'])
  )
    return refuseGrant('MALFORMED', 'The grant channel statement lacks required members.');
  const lifetime = (c['exp'] as number) - (c['iat'] as number);
  if (lifetime <= 0 || lifetime > MAX_CHANNEL_LIFETIME_SECONDS)
    return refuseGrant('MALFORMED', 'The grant channel statement lives longer than a day.');
  return claims as unknown as GrantChannelStatement;
}
