import { createHash, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { GridmarkError } from '../../schema/index.js';

/** The gateway's key that a system trusts, as the checks sign with it. */
export interface GrantSigningKey {
  /** The key's id in the gateway's JWKS: its RFC 7638 thumbprint. */
  readonly kid: string;
  /** The Ed25519 private key. */
  readonly privateKey: KeyObject;
}

/** The JWT claims of a grant (docs/protocol.md, "Grants"); the checks also send wrong ones. */
export type GrantClaims = Readonly<Record<string, unknown>>;

/** How long the grants the checks mint live: as the gateway's. */
const GRANT_SECONDS = 30;

/**
 * The RFC 7638 thumbprint of an Ed25519 key (private or public): SHA-256 over
 * `{"crv":"Ed25519","kty":"OKP","x":"<key>"}`, base64url.
 */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const x = String(publicKey.export({ format: 'jwk' }).x);
  const members = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`;
  return createHash('sha256').update(members).digest('base64url');
}

/**
 * A signing key for the checks from an Ed25519 private key, its id the key's thumbprint.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when it is not an Ed25519 private key.
 */
export function grantSigningKey(privateKey: KeyObject): GrantSigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519')
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      'The grant key is not an Ed25519 private key: give the gateway configuration or its grant key file.',
    );
  return { kid: keyIdOf(privateKey), privateKey };
}

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Mints grants as the gateway does (compact JWS, EdDSA, `typ` `gridmark-grant+jwt`), and the
 * wrong ones a system must refuse: other headers, other keys, other claims, no signature.
 */
export class GrantMinter {
  readonly #key: GrantSigningKey;
  readonly #audience: string;
  readonly #now: () => number;

  constructor(key: GrantSigningKey, audience: string, now: () => number = Date.now) {
    this.#key = key;
    this.#audience = audience;
    this.#now = now;
  }

  /** The claims of a grant for these devices and fields, fresh `jti`, now to 30 s on; `overrides` replace members. */
  claims(
    devices: readonly string[],
    fields: readonly string[],
    overrides: GrantClaims = {},
  ): GrantClaims {
    const iat = Math.floor(this.#now() / 1000);
    return {
      ver: 1,
      aud: this.#audience,
      iat,
      exp: iat + GRANT_SECONDS,
      jti: randomUUID(),
      app: 'APP-CONFORMANCE',
      fn: 'conformance-check',
      role: '*',
      devices,
      fields,
      res: `conformance-${randomUUID()}`,
      ...overrides,
    };
  }

  /**
   * Signs claims: with the gateway's key and header unless told otherwise. `kid` of `header`
   * defaults to the signing key's.
   */
  sign(
    claims: GrantClaims,
    options: { readonly header?: Readonly<Record<string, unknown>>; readonly key?: KeyObject } = {},
  ): string {
    const header = {
      alg: 'EdDSA',
      kid: this.#key.kid,
      typ: 'gridmark-grant+jwt',
      ...options.header,
    };
    const input = `${part(header)}.${part(claims)}`;
    const signature = sign(null, Buffer.from(input), options.key ?? this.#key.privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  /** An unsecured JWS (`alg: none`, empty signature), which no system may accept. */
  unsigned(claims: GrantClaims): string {
    return `${part({ alg: 'none', kid: this.#key.kid, typ: 'gridmark-grant+jwt' })}.${part(claims)}.`;
  }
}
