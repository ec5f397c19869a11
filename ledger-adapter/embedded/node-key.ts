import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  GridmarkError,
  OWNER_ONLY_FILE_MODE,
  ensureOwnerOnlyDirectory,
  isLooserThanOwnerOnly,
} from '../../schema/index.js';
import { keyFingerprint } from '../checkpoints/index.js';

/** The embedded node's signing key: Ed25519, PKCS#8 PEM in a file only its owner may read. */
export interface NodeKey {
  /** SPKI PEM of the public key. */
  readonly publicKeyPem: string;
  /** The public key's fingerprint (`sha256:<hex>`). */
  readonly fingerprint: string;
  /** Signs a block hash (hex); returns base64. */
  sign(hashHex: string): string;
  /** Signs bytes (a checkpoint's canonical JSON); returns base64. */
  signBytes(data: Uint8Array): string;
}

/** The environment variable that names the node key's file when the configuration does not. */
export const NODE_KEY_ENV = 'GRIDMARK_NODE_KEY';

/**
 * Where a new ledger at `databasePath` keeps its key unless told otherwise: a `keys` directory
 * (mode 0700) in the database's directory, `<dir>/keys/<file>.node-key.pem`, so that the key is
 * not one of the database's files and can be kept elsewhere (see {@link locateNodeKey}).
 */
export function nodeKeyPath(databasePath: string): string {
  return join(dirname(databasePath), 'keys', `${basename(databasePath)}.node-key.pem`);
}

/** Where ledgers created before the keys directory keep their key: beside the database. */
export function legacyNodeKeyPath(databasePath: string): string {
  return `${databasePath}.node-key.pem`;
}

/** The node key file a ledger uses, and how it was found. */
export interface NodeKeyLocation {
  readonly path: string;
  /**
   * `configured`: named by the configuration or `GRIDMARK_NODE_KEY`; `default`: the keys
   * directory; `beside-database`: an older ledger's key, found beside its database and used there.
   */
  readonly source: 'configured' | 'default' | 'beside-database';
}

/**
 * Finds the node key of the ledger at `databasePath`: the file `configured` names, else the one
 * in the keys directory ({@link nodeKeyPath}), else, for a ledger from before it, the one beside
 * the database ({@link legacyNodeKeyPath}), which is used where it is: a key is never moved.
 * Without any of them, the keys directory is where a new ledger creates its key.
 */
export function locateNodeKey(databasePath: string, configured?: string): NodeKeyLocation {
  if (configured !== undefined && configured !== '')
    return { path: configured, source: 'configured' };
  const path = nodeKeyPath(databasePath);
  if (!existsSync(path) && existsSync(legacyNodeKeyPath(databasePath)))
    return { path: legacyNodeKeyPath(databasePath), source: 'beside-database' };
  return { path, source: 'default' };
}

/**
 * Loads the node key from `path`, or creates it there (mode 0600) when `create` and absent.
 *
 * @throws GridmarkError BAD_CONFIGURATION when the file is missing (and `create` is false),
 *   readable by group or others, or not an Ed25519 private key
 */
export function loadNodeKey(path: string, create: boolean): NodeKey {
  if (!existsSync(path)) {
    if (!create)
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `The ledger's node key ${path} does not exist; name the key's file with ${NODE_KEY_ENV} (or the ledger's nodeKeyPath) if it is elsewhere.`,
      );
    ensureOwnerOnlyDirectory(dirname(path));
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: OWNER_ONLY_FILE_MODE,
      flag: 'wx',
    });
  }
  // A key others could read may have leaked: it is refused, not tightened (a new key needs a new ledger).
  if (isLooserThanOwnerOnly(path)) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The ledger's node key ${path} is readable by other users; make it mode 0600.`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path));
  } catch (error) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The ledger's node key ${path} is not a PEM private key.`,
      { cause: error },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The ledger's node key ${path} is not an Ed25519 key.`,
    );
  const publicKey = createPublicKey(privateKey);
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
    sign: (hashHex) => sign(null, Buffer.from(hashHex, 'hex'), privateKey).toString('base64'),
    signBytes: (data) => sign(null, data, privateKey).toString('base64'),
  };
}

/** True when `signature` (base64) is the key's signature of the block hash. */
export function verifyBlockSignature(
  publicKey: string | KeyObject,
  hashHex: string,
  signature: string,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(null, Buffer.from(hashHex, 'hex'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
