import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

const ids = new WeakMap<KeyObject, string>();

/**
 * The key id (`kid`) of an Ed25519 key, as the gateway's key set names it and grants carry it:
 * the RFC 7638 JWK thumbprint, SHA-256 over `{"crv":"Ed25519","kty":"OKP","x":"<key>"}`, in
 * base64url. Given a private key, the id of its public half. Remembered per key object.
 *
 * @throws TypeError when the key is not an Ed25519 key.
 */
export function grantKeyId(key: KeyObject): string {
  const known = ids.get(key);
  if (known !== undefined) return known;
  if (key.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`a grant key is an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const x = String(publicKey.export({ format: 'jwk' }).x);
  const id = createHash('sha256')
    .update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`)
    .digest('base64url');
  ids.set(key, id);
  return id;
}
