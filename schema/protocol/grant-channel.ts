import {
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  sign,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { BoundedMap } from '../bounded-map.js';
import { GridmarkError } from './errors.js';
import {
  readGrant,
  refuseGrant,
  signedByAny,
  verifyGrant,
  type GatewayPublicKeys,
  type Grant,
  type GrantExpectation,
} from './grant.js';

/**
 * Grant channels: sealing a grant with a key that only the gateway and one business system hold,
 * so that a system checks each grant with an HMAC (microseconds) instead of an Ed25519 signature.
 *
 * Each system holds an X25519 key pair for as long as its process runs and announces the public
 * half beside every answer it gives the gateway. The gateway, holding an X25519 key pair of its
 * own (renewed every few minutes), signs once per system a *channel statement* with its Ed25519
 * key: this system, its key, the gateway's key, an expiry. Both sides derive the same channel key
 * from the two X25519 keys and the statement. A sealed grant carries the statement and the HMAC
 * of its payload under that key:
 *
 *   mac1.<statement base64url>.<statement signature base64url>.<grant payload base64url>.<HMAC base64url>
 *
 * A system verifies a statement's signature once and remembers the key it derived; anyone else
 * would need the system's or the gateway's X25519 private key to seal a grant it accepts. A
 * statement made for the key the system held before a restart is refused as `STALE_KEY`, and the
 * answer names the new key. Grants signed with Ed25519 alone are still accepted, so a gateway
 * that does not know a system's key yet (or a third party's tool) can always reach it.
 */

/** The first part of a sealed grant. */
export const SEALED_GRANT_SCHEME = 'mac1';

/** What a gateway signs to open a channel to one system. */
export interface GrantChannelStatement {
  readonly v: 1;
  /** The system the channel leads to. */
  readonly sys: string;
  /** The system's X25519 public key, raw, base64url. */
  readonly sk: string;
  /** The gateway's X25519 public key, raw, base64url. */
  readonly gk: string;
  /** Until when grants sealed in this channel are accepted, milliseconds since the epoch. */
  readonly exp: number;
}

/** The gateway's side of an open channel. */
export interface GrantChannel {
  /** `mac1.<statement>.<signature>`: what every grant sealed in this channel starts with. */
  readonly prefix: string;
  readonly key: Buffer;
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
function grantKeyPairOf(privateKey: KeyObject): GrantKeyPair {
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
  readonly exp: number;
}): GrantChannel {
  const statement: GrantChannelStatement = {
    v: 1,
    sys: options.system,
    sk: options.systemKey,
    gk: options.gatewayKey.publicKey,
    exp: options.exp,
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const statementText = payload.toString('base64url');
  return {
    prefix: `${SEALED_GRANT_SCHEME}.${statementText}.${sign(null, payload, options.signingKey).toString('base64url')}`,
    key: channelKey(options.gatewayKey.privateKey, options.systemKey, statementText),
    exp: options.exp,
  };
}

/** Gateway side: seals a grant in a channel. */
export function sealGrant(grant: Grant, channel: GrantChannel): string {
  const payloadText = Buffer.from(JSON.stringify(grant)).toString('base64url');
  return `${channel.prefix}.${payloadText}.${createHmac('sha256', channel.key).update(payloadText).digest('base64url')}`;
}

/** Checks the grants of one system, signed or sealed. */
export interface GrantVerifier {
  /** The system's grant key, announced to the gateway beside every answer. */
  readonly grantKey: string;
  /**
   * The grant the token carries, authenticated and meant for this system, not expired. Replays
   * are the caller's to check.
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
  /** The gateway's key, or every key its key set publishes (a rotated key's overlap). */
  readonly gatewayPublicKey: GatewayPublicKeys;
  readonly subgraph: string;
  readonly grantKey?: KeyObject;
}): GrantVerifier {
  const own = options.grantKey === undefined ? newGrantKeyPair() : grantKeyPairOf(options.grantKey);
  /** Statement and signature text to the channel's key and expiry, once the signature checked out. */
  const channels = new BoundedMap<string, { readonly key: Buffer; readonly exp: number }>(
    REMEMBERED_CHANNELS,
  );

  const channelOf = (
    statementText: string,
    signatureText: string,
    expect: GrantExpectation & { readonly now: number },
  ): Buffer => {
    const id = `${statementText}.${signatureText}`;
    let channel = channels.get(id);
    if (!channel) {
      const payload = Buffer.from(statementText, 'base64url');
      if (!signedByAny(payload, options.gatewayPublicKey, Buffer.from(signatureText, 'base64url')))
        return refuseGrant('BAD_SIGNATURE', 'The grant channel is not signed by the gateway.');
      const statement = readStatement(payload);
      if (statement.sys !== expect.subgraph)
        return refuseGrant(
          'WRONG_SYSTEM',
          `The grant channel leads to ${String(statement.sys)}, not ${expect.subgraph}.`,
        );
      if (statement.sk !== own.publicKey)
        return refuseGrant(
          'STALE_KEY',
          `The grant was sealed for a grant key ${expect.subgraph} no longer holds; its key is ${own.publicKey}.`,
        );
      let key: Buffer;
      try {
        key = channelKey(own.privateKey, statement.gk, statementText);
      } catch {
        return refuseGrant(
          'MALFORMED',
          'The grant channel names a gateway key no channel can be agreed with.',
        );
      }
      channel = { key, exp: statement.exp };
      channels.set(id, channel);
    }
    if (channel.exp <= expect.now) return refuseGrant('EXPIRED', 'The grant channel has expired.');
    return channel.key;
  };

  return {
    grantKey: own.publicKey,
    verify(token, now) {
      const expect = { subgraph: options.subgraph, now };
      if (token === undefined || !token.startsWith(`${SEALED_GRANT_SCHEME}.`))
        return verifyGrant(token, options.gatewayPublicKey, expect);
      const [, statementText, signatureText, payloadText, macText, extra] = token.split('.');
      if (!statementText || !signatureText || !payloadText || !macText || extra !== undefined)
        return refuseGrant(
          'MALFORMED',
          'A sealed grant is mac1.<statement>.<signature>.<payload>.<mac>.',
        );
      const key = channelOf(statementText, signatureText, expect);
      const expected = createHmac('sha256', key).update(payloadText).digest();
      const presented = Buffer.from(macText, 'base64url');
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
        return refuseGrant('BAD_SIGNATURE', 'The grant is not sealed by the gateway.');
      return readGrant(Buffer.from(payloadText, 'base64url'), expect);
    },
  };
}

/** The channel key both sides derive: HKDF-SHA256 over the X25519 agreement, bound to the statement. */
function channelKey(privateKey: KeyObject, peerKey: string, statementText: string): Buffer {
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: peerKey },
    format: 'jwk',
  });
  const shared = diffieHellman({ privateKey, publicKey });
  return Buffer.from(
    hkdfSync('sha256', shared, Buffer.alloc(0), `${CHANNEL_KEY_INFO}${statementText}`, 32),
  );
}

function readStatement(payload: Buffer): GrantChannelStatement {
  let statement: GrantChannelStatement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as GrantChannelStatement;
  } catch {
    return refuseGrant('MALFORMED', 'The grant channel statement is not JSON.');
  }
  if (
    statement === null ||
    typeof statement !== 'object' ||
    statement.v !== 1 ||
    !isGrantKey(statement.sk) ||
    !isGrantKey(statement.gk) ||
    typeof statement.exp !== 'number'
  ) {
    return refuseGrant('MALFORMED', 'The grant channel statement lacks required members.');
  }
  return statement;
}
