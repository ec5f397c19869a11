import { createHmac, createPublicKey } from 'node:crypto';
import {
  GRANT_CHANNEL_TYPE,
  grantKeyId,
  openGrantChannel,
  sealGrant,
  signGrant,
  type GrantChannel,
} from '../../schema/index.js';
import {
  AUDIENCE,
  NOW_MS,
  TEST_ONLY,
  VECTOR_NOW,
  b64,
  baseGrant,
  claimsText,
  fixedKey,
  gatewayChannelKey,
  gatewayKey,
  headerText,
  jwsOf,
  privateJwk,
  publicJwk,
  strangerKey,
  systemGrantKey,
  x25519Pair,
} from './vector-keys.js';

/** One grant and how a system must answer it. */
export interface GrantVector {
  readonly name: string;
  readonly description: string;
  readonly token: string;
  /** Now for this vector (seconds), when it is not the file's. */
  readonly now?: number;
  /** The system has already accepted a grant with this `jti`. */
  readonly jtiSeenBefore?: boolean;
  readonly expect:
    | { readonly valid: true; readonly claims: unknown }
    | { readonly valid: false; readonly reason: string };
}

/** grants.json. */
export interface GrantVectorFile {
  readonly description: string;
  readonly testOnly: string;
  readonly now: number;
  readonly skewSeconds: number;
  readonly audience: string;
  readonly gatewayKey: { readonly private: object; readonly public: object };
  readonly jwks: { readonly keys: readonly object[] };
  readonly strangerKey: { readonly private: object; readonly public: object };
  readonly vectors: readonly GrantVector[];
}

/** sealed-grants.json. */
export interface SealedGrantVectorFile {
  readonly description: string;
  readonly testOnly: string;
  readonly typ: string;
  readonly now: number;
  readonly skewSeconds: number;
  readonly audience: string;
  readonly systemGrantKey: { readonly private: object; readonly public: string };
  readonly gatewayChannelKey: { readonly private: object; readonly public: string };
  readonly channelKeyHex: string;
  readonly jwks: { readonly keys: readonly object[] };
  readonly vectors: readonly GrantVector[];
}

const valid = signGrant(baseGrant, gatewayKey, { now: NOW_MS });
const [validHeader = '', validClaims = '', validSignature = ''] = valid.split('.');

function refused(
  name: string,
  description: string,
  token: string,
  reason: string,
  extra: Pick<GrantVector, 'now' | 'jtiSeenBefore'> = {},
): GrantVector {
  return { name, description, token, ...extra, expect: { valid: false, reason } };
}

function claimsOf(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Grants the system must refuse as MALFORMED: shape, header and claims. */
function malformed(): GrantVector[] {
  const signed = (header: string, claims: string) => jwsOf(header, claims, gatewayKey);
  const publicKeyBytes = Buffer.from(
    String(createPublicKey(gatewayKey).export({ format: 'jwk' }).x),
    'base64url',
  );
  const hsInput = `${b64(headerText({ alg: 'HS256' }))}.${b64(claimsText())}`;
  const hsMac = createHmac('sha256', publicKeyBytes).update(hsInput).digest('base64url');
  const withDuplicate = claimsText().replace(
    `"aud":"${AUDIENCE}"`,
    `"aud":"asset","aud":"${AUDIENCE}"`,
  );
  const rows: [string, string, string][] = [
    ['two-parts', 'Not three parts.', `${validHeader}.${validClaims}`],
    [
      'padded-base64',
      'A part with base64 padding.',
      `${validHeader}.${validClaims}=.${validSignature}`,
    ],
    [
      'alg-none',
      'alg "none" and an empty signature.',
      `${b64(headerText({ alg: 'none' }))}.${validClaims}.`,
    ],
    [
      'alg-hs256-public-key-as-secret',
      'alg HS256, keyed with the public key bytes.',
      `${hsInput}.${hsMac}`,
    ],
    ['wrong-typ', 'typ "JWT".', signed(headerText({ typ: 'JWT' }), claimsText())],
    [
      'no-kid',
      'A header without kid.',
      signed('{"alg":"EdDSA","typ":"gridmark-grant+jwt"}', claimsText()),
    ],
    [
      'crit',
      'A header asking for an extension.',
      signed(headerText({ extra: ',"crit":["exp"]' }), claimsText()),
    ],
    ['duplicate-claim', 'Signed claims naming aud twice.', signed(headerText(), withDuplicate)],
    ['version-2', 'ver 2.', signed(headerText(), claimsText({ ver: 2 }))],
    [
      'exp-in-milliseconds',
      'exp in milliseconds.',
      signed(headerText(), claimsText({ exp: NOW_MS + 30_000 })),
    ],
    [
      'lifetime-301',
      'exp - iat = 301 s.',
      signed(headerText(), claimsText({ exp: VECTOR_NOW + 301 })),
    ],
    [
      'devices-not-a-list',
      'devices is a string.',
      signed(headerText(), claimsText({ devices: 'x' })),
    ],
    [
      'huge-header',
      'A header part over 1024 characters.',
      signed(headerText({ extra: `,"x":"${'A'.repeat(1000)}"` }), claimsText()),
    ],
  ];
  return rows.map(([name, description, token]) => refused(name, description, token, 'MALFORMED'));
}

/** Every grant vector, in the order a system checks. */
export function grantVectors(): GrantVector[] {
  const accepted = { valid: true as const, claims: claimsOf(validClaims) };
  const widened = b64(claimsText({ fields: [...baseGrant.fields, 'assetValueFen'] }));
  return [
    {
      name: 'valid',
      description: 'Signed by the gateway, read at its iat.',
      token: valid,
      expect: accepted,
    },
    {
      name: 'valid-at-the-end-of-the-skew',
      description: 'Read 30 s after exp: accepted (only now > exp + skew is refused).',
      token: valid,
      now: VECTOR_NOW + 60,
      expect: accepted,
    },
    refused('missing', 'No header (an empty value reads the same).', '', 'MISSING'),
    ...malformed(),
    refused(
      'unknown-kid',
      'Signed by, and naming, a key the set lacks.',
      signGrant(baseGrant, strangerKey, { now: NOW_MS }),
      'UNKNOWN_KEY',
    ),
    refused(
      'kid-of-another-key',
      "Signed by another key, naming the gateway's.",
      jwsOf(headerText(), claimsText(), strangerKey),
      'BAD_SIGNATURE',
    ),
    refused(
      'widened-fields',
      "The gateway's signature over widened claims.",
      `${validHeader}.${widened}.${validSignature}`,
      'BAD_SIGNATURE',
    ),
    refused(
      'wrong-system',
      'A grant for system asset.',
      signGrant({ ...baseGrant, sys: 'asset' }, gatewayKey, { now: NOW_MS }),
      'WRONG_SYSTEM',
    ),
    refused('expired', 'Read 31 s after exp.', valid, 'EXPIRED', { now: VECTOR_NOW + 61 }),
    refused('not-yet-valid', 'Read 31 s before iat.', valid, 'NOT_YET_VALID', {
      now: VECTOR_NOW - 31,
    }),
    refused('replayed', 'Its jti was accepted before.', valid, 'REPLAYED', { jtiSeenBefore: true }),
  ];
}

/** grants.json's content. */
export function grantVectorFile(): GrantVectorFile {
  return {
    description:
      'Grants (compact JWS, EdDSA) and how a system must answer each one. See README.md.',
    testOnly: TEST_ONLY,
    now: VECTOR_NOW,
    skewSeconds: 30,
    audience: AUDIENCE,
    gatewayKey: { private: privateJwk(gatewayKey), public: publicJwk(gatewayKey) },
    jwks: { keys: [publicJwk(gatewayKey)] },
    strangerKey: { private: privateJwk(strangerKey), public: publicJwk(strangerKey) },
    vectors: grantVectors(),
  };
}

/** A channel from the gateway's fixed X25519 key to `systemKey` for `system`. */
function channelTo(system: string, systemKey: string): GrantChannel {
  return openGrantChannel({
    system,
    systemKey,
    gatewayKey: x25519Pair(gatewayChannelKey),
    signingKey: gatewayKey,
    exp: NOW_MS + 1_200_000,
    now: NOW_MS,
  });
}

/** sealed-grants.json's content. */
export function sealedGrantVectorFile(): SealedGrantVectorFile {
  const system = x25519Pair(systemGrantKey);
  const channel = channelTo(AUDIENCE, system.publicKey);
  const sealed = sealGrant(baseGrant, channel, NOW_MS);
  const parts = sealed.split('.');
  const restarted = x25519Pair(
    fixedKey('x25519', 'a grant key the system held before it restarted'),
  );
  const stale = sealGrant(baseGrant, channelTo(AUDIENCE, restarted.publicKey), NOW_MS);
  const toAsset = sealGrant(
    { ...baseGrant, sys: 'asset' },
    channelTo('asset', system.publicKey),
    NOW_MS,
  );
  const otherMac = createHmac('sha256', Buffer.alloc(32))
    .update(parts[4] ?? '')
    .digest('base64url');
  const badMac = [...parts.slice(0, 5), otherMac].join('.');
  return {
    description:
      'Sealed grants: mac1.<statement header>.<statement claims>.<statement signature>.<grant claims>.<HMAC>. See README.md.',
    testOnly: TEST_ONLY,
    typ: GRANT_CHANNEL_TYPE,
    now: VECTOR_NOW,
    skewSeconds: 30,
    audience: AUDIENCE,
    systemGrantKey: { private: privateJwk(systemGrantKey), public: system.publicKey },
    gatewayChannelKey: {
      private: privateJwk(gatewayChannelKey),
      public: x25519Pair(gatewayChannelKey).publicKey,
    },
    channelKeyHex: channel.key.toString('hex'),
    jwks: { keys: [{ ...publicJwk(gatewayKey), kid: grantKeyId(gatewayKey) }] },
    vectors: [
      {
        name: 'valid',
        description: 'Sealed in a channel to the system key above.',
        token: sealed,
        expect: { valid: true, claims: claimsOf(parts[4] ?? '') },
      },
      refused('stale-key', 'Sealed for a key the system no longer holds.', stale, 'STALE_KEY'),
      refused('wrong-system', 'A channel statement for system asset.', toAsset, 'WRONG_SYSTEM'),
      refused('bad-mac', 'The HMAC under another key.', badMac, 'BAD_SIGNATURE'),
      refused('channel-expired', "Read 31 s after the statement's exp.", sealed, 'EXPIRED', {
        now: VECTOR_NOW + 1_231,
      }),
    ],
  };
}
