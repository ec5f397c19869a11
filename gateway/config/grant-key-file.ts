import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { z } from 'zod';
import {
  GridmarkError,
  OWNER_ONLY_FILE_MODE,
  ensureOwnerOnlyDirectory,
  isLooserThanOwnerOnly,
  type GrantPublicJwk,
} from '../../schema/index.js';

/*
 * The gateway's grant-signing keys, kept across restarts in one owner-only JSON file:
 *
 *   { "format": "gridmark-grant-keys/1",
 *     "keys": [ { "kid", "createdAt", "retiresAt": null | ISO time, "privateKey": PKCS#8 PEM } ] }
 *
 * The newest key signs; a rotation adds a key and gives every earlier one a `retiresAt`, until
 * which it stays published in the key set (so that business systems that fetched the set before
 * the rotation keep accepting grants, and learn the new key). A key id is the key's RFC 7638
 * JWK thumbprint (SHA-256), so the same key always has the same id.
 */

/** The format tag of a grant key file. */
export const GRANT_KEY_FILE_FORMAT = 'gridmark-grant-keys/1';

const storedKeySchema = z.strictObject({
  kid: z.string().min(1),
  createdAt: z.iso.datetime(),
  retiresAt: z.iso.datetime().nullable(),
  privateKey: z.string().min(1),
});
const keyFileSchema = z.strictObject({
  format: z.literal(GRANT_KEY_FILE_FORMAT),
  keys: z.array(storedKeySchema).min(1),
});
type StoredGrantKey = z.infer<typeof storedKeySchema>;

/** One grant key, read. */
export interface GrantKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly createdAt: Date;
  /** Until when an earlier key stays published; null for the key that signs. */
  readonly retiresAt: Date | null;
}

/** The keys of a grant key file: the one that signs, and every one published. */
export interface GrantKeyRing {
  /** The newest key: grants are signed with it. */
  readonly signing: GrantKey;
  /** Every key not yet retired, the signing key first, then earlier keys newest first. */
  readonly published: readonly GrantKey[];
}

/**
 * Writes a new grant key file holding one fresh Ed25519 key, mode 0600, its directory 0700.
 *
 * @throws GridmarkError `ALREADY_INITIALIZED` when the file exists (it is never overwritten).
 */
export async function createGrantKeyFile(path: string, now = new Date()): Promise<GrantKey> {
  if (existsSync(path))
    throw new GridmarkError(
      'ALREADY_INITIALIZED',
      `The grant key file ${path} already exists; it is not overwritten.`,
      {
        details: { file: path },
      },
    );
  ensureOwnerOnlyDirectory(dirname(path));
  const key = await newStoredKey(now);
  writeFileSync(path, serialize([key]), { mode: OWNER_ONLY_FILE_MODE, flag: 'wx' });
  return readKey(key, path);
}

/**
 * Reads a grant key file: the signing key and the keys published at `now`.
 *
 * @throws GridmarkError `DATA_FILE_MISSING` when it does not exist; `KEY_FILE_EXPOSED` when its
 *   group or others may read or write it (refused, not tightened); `DATA_FILE_UNREADABLE` when it
 *   is not a grant key file.
 */
export function readGrantKeyFile(path: string, now = new Date()): GrantKeyRing {
  const stored = readStoredKeys(path);
  const keys = stored.map((key) => readKey(key, path));
  // Of two made in the same millisecond, the later in the file (a rotation appends).
  const signing = keys.reduce((newest, key) => (key.createdAt >= newest.createdAt ? key : newest));
  const published = keys
    .filter((key) => key === signing || key.retiresAt === null || key.retiresAt > now)
    .sort((a, b) =>
      a === signing ? -1 : b === signing ? 1 : b.createdAt.getTime() - a.createdAt.getTime(),
    );
  return { signing, published };
}

/**
 * Adds a new signing key to the file; every earlier key stays published until `now + overlapMs`
 * (or its earlier retirement), and keys already retired are dropped. The file is replaced
 * atomically, mode 0600. A running gateway signs with the new key from its next start.
 *
 * @throws GridmarkError as {@link readGrantKeyFile}.
 */
export async function rotateGrantKeyFile(
  path: string,
  overlapMs: number,
  now = new Date(),
): Promise<{ readonly added: GrantKey; readonly retiring: readonly GrantKey[] }> {
  const stored = readStoredKeys(path);
  const retiresAt = new Date(now.getTime() + overlapMs);
  const kept = stored
    .filter((key) => key.retiresAt === null || new Date(key.retiresAt) > now)
    .map((key) => ({
      ...key,
      retiresAt:
        key.retiresAt !== null && new Date(key.retiresAt) < retiresAt
          ? key.retiresAt
          : retiresAt.toISOString(),
    }));
  const added = await newStoredKey(now);
  const next = `${path}.next`;
  writeFileSync(next, serialize([...kept, added]), { mode: OWNER_ONLY_FILE_MODE });
  renameSync(next, path);
  return { added: readKey(added, path), retiring: kept.map((key) => readKey(key, path)) };
}

/** The key set a gateway publishes: each published key as a JWK with `kid`, `alg: EdDSA`, `use: sig`. */
export async function grantKeySet(
  ring: GrantKeyRing,
): Promise<{ readonly keys: GrantPublicJwk[] }> {
  const keys = await Promise.all(
    ring.published.map(async (key) => {
      const jwk = await exportJWK(key.publicKey);
      return {
        kty: 'OKP',
        crv: 'Ed25519',
        x: String(jwk.x),
        kid: key.kid,
        alg: 'EdDSA',
        use: 'sig',
      } as const;
    }),
  );
  return { keys };
}

/** The public key's PEM (SPKI), as the gateway's key route serves it. */
export function publicKeyPem(key: GrantKey): string {
  return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

async function newStoredKey(now: Date): Promise<StoredGrantKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    kid: await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256'),
    createdAt: now.toISOString(),
    retiresAt: null,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function serialize(keys: readonly StoredGrantKey[]): string {
  return `${JSON.stringify({ format: GRANT_KEY_FILE_FORMAT, keys }, null, 2)}\n`;
}

function readStoredKeys(path: string): readonly StoredGrantKey[] {
  if (!existsSync(path))
    throw new GridmarkError(
      'DATA_FILE_MISSING',
      `The grant key file ${path} is missing: the gateway cannot sign grants that business systems accept. Put it back from a backup (\`gridmark init\` creates one for a new gateway).`,
      { details: { file: path } },
    );
  // A key others could read may have leaked: it is refused, not tightened (rotate it instead).
  if (isLooserThanOwnerOnly(path))
    throw new GridmarkError(
      'KEY_FILE_EXPOSED',
      `The grant key file ${path} may be read or written by other users; make it mode 0600 (chmod 600) and rotate its key (gridmark keys rotate).`,
      { details: { file: path } },
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw unreadable(path, 'is not JSON', cause);
  }
  const result = keyFileSchema.safeParse(parsed);
  if (!result.success) throw unreadable(path, `is not a grant key file (${GRANT_KEY_FILE_FORMAT})`);
  return result.data.keys;
}

function readKey(stored: StoredGrantKey, path: string): GrantKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(stored.privateKey);
  } catch (cause) {
    throw unreadable(path, `holds a key (${stored.kid}) that is not a PEM private key`, cause);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw unreadable(path, `holds a key (${stored.kid}) that is not an Ed25519 key`);
  return {
    kid: stored.kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
    createdAt: new Date(stored.createdAt),
    retiresAt: stored.retiresAt === null ? null : new Date(stored.retiresAt),
  };
}

function unreadable(path: string, problem: string, cause?: unknown): GridmarkError {
  return new GridmarkError('DATA_FILE_UNREADABLE', `The grant key file ${path} ${problem}.`, {
    details: { file: path },
    ...(cause === undefined ? {} : { cause }),
  });
}
