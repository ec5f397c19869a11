import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { GridmarkError } from '../../schema/errors.js';
import { OWNER_ONLY_FILE_MODE, isLooserThanOwnerOnly } from '../../schema/owner-only-files.js';

/** The embedded node's signing key: Ed25519, PKCS#8 PEM in a file only its owner may read. */
export interface NodeKey {
  /** SPKI PEM of the public key. */
  readonly publicKeyPem: string;
  /** Signs a block hash (hex); returns base64. */
  sign(hashHex: string): string;
}

/** Where the key of the ledger at `databasePath` lives. */
export function nodeKeyPath(databasePath: string): string {
  return `${databasePath}.node-key.pem`;
}

/**
 * Loads the node key from `path`, or creates it there (mode 0600) when `create` and absent.
 *
 * @throws GridmarkError BAD_CONFIGURATION when the file is missing (and `create` is false),
 *   readable by group or others, or not an Ed25519 private key
 */
export function loadNodeKey(path: string, create: boolean): NodeKey {
  if (!existsSync(path)) {
    if (!create) throw new GridmarkError('BAD_CONFIGURATION', `The ledger's node key ${path} does not exist.`);
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: OWNER_ONLY_FILE_MODE, flag: 'wx' });
  }
  // A key others could read may have leaked: it is refused, not tightened (a new key needs a new ledger).
  if (isLooserThanOwnerOnly(path)) {
    throw new GridmarkError('BAD_CONFIGURATION', `The ledger's node key ${path} is readable by other users; make it mode 0600.`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path));
  } catch (error) {
    throw new GridmarkError('BAD_CONFIGURATION', `The ledger's node key ${path} is not a PEM private key.`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new GridmarkError('BAD_CONFIGURATION', `The ledger's node key ${path} is not an Ed25519 key.`);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKeyPem,
    sign: (hashHex) => sign(null, Buffer.from(hashHex, 'hex'), privateKey).toString('base64'),
  };
}

/** True when `signature` (base64) is the key's signature of the block hash. */
export function verifyBlockSignature(publicKey: string | KeyObject, hashHex: string, signature: string): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(null, Buffer.from(hashHex, 'hex'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
