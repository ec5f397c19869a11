import { sign, verify, type KeyObject } from 'node:crypto';
import { refuseGrant } from './grant-refusal.js';
import { grantKeyId } from './key-id.js';
import { parseStrictJsonObject } from './strict-json.js';

/**
 * Compact JWS (RFC 7515) signed with EdDSA (Ed25519), as grants and grant channel statements
 * travel: `<header>.<claims>.<signature>`, each part base64url without padding. The protected
 * header is `{"alg":"EdDSA","kid":"<key id>","typ":"<type>"}`; the signature is Ed25519 over the
 * ASCII text `<header>.<claims>`. Reading refuses (`GRANT_REFUSED`) rather than guesses.
 */

/** The longest token read, in characters: a grant past it is `MALFORMED` before any parsing. */
export const MAX_TOKEN_LENGTH = 65_536;
/** The longest protected-header part read, in characters. */
export const MAX_HEADER_PART_LENGTH = 1_024;
const MAX_KEY_ID_LENGTH = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** One key, several (a key set in its overlap after a rotation), or a lookup by key id. */
export type GatewayPublicKeys = KeyObject | readonly KeyObject[] | GrantKeySource;

/** Where a system finds the gateway key a grant names by its `kid`. */
export interface GrantKeySource {
  /** The key of this id, or undefined when the system knows no such key. */
  keyFor(kid: string): KeyObject | undefined;
}

/** A compact JWS read and shaped, not yet verified. */
export interface ReadJws {
  readonly kid: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** `<header>.<claims>`, what the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const headers = new Map<string, string>();

/** Signs `claims` as a compact JWS of type `typ` with an Ed25519 private key, naming its key id. */
export function signJws(typ: string, claims: object, privateKey: KeyObject): string {
  const kid = grantKeyId(privateKey);
  const key = `${typ}\n${kid}`;
  let header = headers.get(key);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ })).toString('base64url');
    if (headers.size < 64) headers.set(key, header);
  }
  const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

/**
 * Reads a compact JWS of type `typ` (`what` names it in refusals): three base64url parts within
 * the size limits, a header of `alg` `EdDSA`, this `typ`, a `kid` and no `crit`, claims that are
 * a JSON object, neither naming a member twice, and a 64-byte signature.
 *
 * @throws GridmarkError `GRANT_REFUSED` (`MALFORMED`).
 */
export function readJws(token: string, typ: string, what: string): ReadJws {
  if (token.length > MAX_TOKEN_LENGTH)
    return refuseGrant('MALFORMED', `The ${what} is longer than ${MAX_TOKEN_LENGTH} characters.`);
  const parts = token.split('.');
  const [headerText, claimsText, signatureText] = parts;
  if (
    parts.length !== 3 ||
    headerText === undefined ||
    claimsText === undefined ||
    signatureText === undefined ||
    !parts.every((part) => BASE64URL.test(part))
  )
    return refuseGrant('MALFORMED', `The ${what} is not a compact JWS: three base64url parts.`);
  if (headerText.length > MAX_HEADER_PART_LENGTH)
    return refuseGrant(
      'MALFORMED',
      `The ${what}'s header is longer than ${MAX_HEADER_PART_LENGTH} characters.`,
    );
  const header = parseStrictJsonObject(Buffer.from(headerText, 'base64url').toString('utf8'));
  if (header === undefined)
    return refuseGrant(
      'MALFORMED',
      `The ${what}'s header is not a JSON object naming each member once.`,
    );
  const kid = header['kid'];
  if (header['alg'] !== 'EdDSA')
    return refuseGrant('MALFORMED', `The ${what} is not signed with alg EdDSA.`);
  if (header['typ'] !== typ) return refuseGrant('MALFORMED', `The ${what}'s typ is not ${typ}.`);
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KEY_ID_LENGTH)
    return refuseGrant('MALFORMED', `The ${what}'s header names no key id (kid).`);
  if (header['crit'] !== undefined)
    return refuseGrant(
      'MALFORMED',
      `The ${what}'s header asks for extensions (crit) this system does not know.`,
    );
  const claims = parseStrictJsonObject(Buffer.from(claimsText, 'base64url').toString('utf8'));
  if (claims === undefined)
    return refuseGrant(
      'MALFORMED',
      `The ${what}'s claims are not a JSON object naming each member once.`,
    );
  const signature = Buffer.from(signatureText, 'base64url');
  if (signature.length !== 64)
    return refuseGrant('MALFORMED', `The ${what}'s signature is not an Ed25519 signature.`);
  return { kid, claims, signingInput: `${headerText}.${claimsText}`, signature };
}

/**
 * Checks a read JWS's signature with the key its `kid` names.
 *
 * @throws GridmarkError `GRANT_REFUSED`: `UNKNOWN_KEY` when no key has that id, `BAD_SIGNATURE`
 *   when the key's signature does not verify.
 */
export function verifyJwsSignature(jws: ReadJws, keys: GatewayPublicKeys, what: string): void {
  const key = keyLookup(keys)(jws.kid);
  if (key === undefined)
    return refuseGrant(
      'UNKNOWN_KEY',
      `The ${what} names a key the gateway's key set does not hold.`,
    );
  if (!verify(null, Buffer.from(jws.signingInput), key, jws.signature))
    return refuseGrant('BAD_SIGNATURE', `The ${what} is not signed by the gateway.`);
}

const lookups = new WeakMap<object, (kid: string) => KeyObject | undefined>();

/** A lookup by key id over the keys given, made once per key object or list. */
export function keyLookup(keys: GatewayPublicKeys): (kid: string) => KeyObject | undefined {
  if ('keyFor' in keys && typeof keys.keyFor === 'function') return (kid) => keys.keyFor(kid);
  const known = lookups.get(keys);
  if (known) return known;
  const list: readonly KeyObject[] = Array.isArray(keys) ? keys : [keys as KeyObject];
  const byId = new Map(list.map((key) => [grantKeyId(key), key]));
  const lookup = (kid: string) => byId.get(kid);
  lookups.set(keys, lookup);
  return lookup;
}
