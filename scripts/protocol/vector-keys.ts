import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { GRANT_TYPE, grantKeyId, type Grant, type GrantKeyPair } from '../../schema/index.js';

/** The fixed time of every vector: 2025-12-06T05:46:40Z, seconds since the epoch. */
export const VECTOR_NOW = 1_765_000_000;
export const NOW_MS = VECTOR_NOW * 1000;
/** The system that reads the vectors' grants. */
export const AUDIENCE = 'monitoring';
export const TEST_ONLY =
  'TEST ONLY: these private keys are published with the vectors and protect nothing. Never use them for anything else.';

/** A key made from a fixed label: Ed25519 or X25519, from a 32-byte seed that is SHA-256 of the label. */
export function fixedKey(kind: 'ed25519' | 'x25519', label: string): KeyObject {
  const seed = createHash('sha256').update(`gridmark protocol vectors: ${label}`).digest();
  // PKCS #8 of a 32-byte private key (RFC 8410): the algorithm's OID is 1.3.101.112 or .110.
  const prefix =
    kind === 'ed25519' ? '302e020100300506032b657004220420' : '302e020100300506032b656e04220420';
  return createPrivateKey({
    key: Buffer.concat([Buffer.from(prefix, 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

export const gatewayKey = fixedKey('ed25519', 'gateway grant key');
export const strangerKey = fixedKey('ed25519', 'a key the gateway does not publish');
export const systemGrantKey = fixedKey('x25519', 'the system grant key');
export const gatewayChannelKey = fixedKey('x25519', 'the gateway channel key');

/** A private key as a JWK, members in a fixed order (Node versions export them in different ones). */
export function privateJwk(key: KeyObject): Record<string, string> {
  const jwk = key.export({ format: 'jwk' });
  return { kty: 'OKP', crv: String(jwk.crv), x: String(jwk.x), d: String(jwk.d) };
}

/** An Ed25519 public key as the gateway's key set publishes it. */
export function publicJwk(key: KeyObject): Record<string, string> {
  const x = String(createPublicKey(key).export({ format: 'jwk' }).x);
  return { kty: 'OKP', crv: 'Ed25519', x, kid: grantKeyId(key), alg: 'EdDSA', use: 'sig' };
}

export function x25519Pair(key: KeyObject): GrantKeyPair {
  return { privateKey: key, publicKey: String(createPublicKey(key).export({ format: 'jwk' }).x) };
}

/** Base64url of UTF-8 text. */
export const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/** A compact JWS over the header and claims given as text, signed by `key` with Ed25519. */
export function jwsOf(headerText: string, claimsText: string, key: KeyObject): string {
  const input = `${b64(headerText)}.${b64(claimsText)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** The grant every grant vector starts from. */
export const baseGrant: Grant = {
  v: 1,
  app: 'APP-0001',
  fn: 'full-lifecycle',
  role: 'om-engineer',
  sys: AUDIENCE,
  devices: ['88.1001.1/PVI-000001', '88.1001.1/PVI-000002'],
  fields: ['outputPowerW', 'operatingStatus'],
  res: 'RES-00000001',
  exp: NOW_MS + 30_000,
  nonce: 'vector-jti-0001',
};

/** The valid grant's header as JSON text, with another `typ`, `alg` or members when asked. */
export function headerText(over: { alg?: string; typ?: string; extra?: string } = {}): string {
  return `{"alg":"${over.alg ?? 'EdDSA'}","kid":"${grantKeyId(gatewayKey)}","typ":"${over.typ ?? GRANT_TYPE}"${over.extra ?? ''}}`;
}

/** The valid grant's claims as JSON text, with members changed. */
export function claimsText(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ver: 1,
    aud: AUDIENCE,
    iat: VECTOR_NOW,
    exp: VECTOR_NOW + 30,
    jti: baseGrant.nonce,
    app: baseGrant.app,
    fn: baseGrant.fn,
    role: baseGrant.role,
    devices: baseGrant.devices,
    fields: baseGrant.fields,
    res: baseGrant.res,
    ...over,
  });
}
