import { createPublicKey, verify } from 'node:crypto';
import { canonicalBytes } from '../contract/index.js';
import { keyFingerprint } from './key-fingerprint.js';

/*
 * A checkpoint is the ledger's own statement of its head, signed with its node key: the number of
 * blocks, the last block's hash, the first block's hash (which ledger), when, and the key. It is a
 * small JSON object that verifies by itself: the signature is Ed25519 over the canonical JSON
 * (keys sorted, no whitespace) of every other member, and `keyId` is the fingerprint of
 * `publicKey`. Whoever keeps one can later ask a ledger whether it still holds that head.
 */

/** The `type` member of every checkpoint, which also keeps its signature from meaning anything else. */
export const CHECKPOINT_TYPE = 'gridmark-ledger-checkpoint';

/** A signed checkpoint of an embedded ledger's head. */
export interface LedgerCheckpoint {
  readonly type: typeof CHECKPOINT_TYPE;
  readonly format: 1;
  /** The number of blocks; the head is block `height - 1`. */
  readonly height: number;
  /** The hash (hex) of block `height - 1`. */
  readonly head: string;
  /** The hash (hex) of block 0: which ledger this is. */
  readonly genesis: string;
  /** When the node signed it (ISO 8601, UTC). */
  readonly at: string;
  /** The fingerprint of `publicKey` (`sha256:<hex>`). */
  readonly keyId: string;
  /** The node's public key (SPKI PEM), the key of block 0. */
  readonly publicKey: string;
  /** Ed25519 signature (base64) over the canonical JSON of every other member. */
  readonly signature: string;
}

/** The head a checkpoint states. */
export interface CheckpointHead {
  readonly height: number;
  readonly head: string;
  readonly genesis: string;
  readonly at: Date;
}

/** What signs a checkpoint: the node key. */
export interface CheckpointSigner {
  readonly publicKeyPem: string;
  /** Ed25519 signature (base64) of `data`. */
  signBytes(data: Uint8Array): string;
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * Signs a checkpoint of `head` with the node key.
 *
 * @example const checkpoint = signCheckpoint({ height: 42, head, genesis, at: new Date() }, nodeKey);
 */
export function signCheckpoint(head: CheckpointHead, signer: CheckpointSigner): LedgerCheckpoint {
  const body: Omit<LedgerCheckpoint, 'signature'> = {
    type: CHECKPOINT_TYPE,
    format: 1,
    height: head.height,
    head: head.head,
    genesis: head.genesis,
    at: head.at.toISOString(),
    keyId: keyFingerprint(signer.publicKeyPem),
    publicKey: signer.publicKeyPem,
  };
  return { ...body, signature: signer.signBytes(canonicalBytes(body)) };
}

/**
 * What is wrong with `value` as a signed checkpoint (a missing or malformed member, a key id
 * that is not its key's, a signature that does not verify), or undefined when it is one.
 */
export function checkpointProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'it is not a JSON object';
  const c = value as Record<string, unknown>;
  if (c['type'] !== CHECKPOINT_TYPE) return `its type is not ${CHECKPOINT_TYPE}`;
  if (c['format'] !== 1) return 'its format is not 1';
  const height = c['height'];
  if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 1)
    return 'its height is not a positive integer';
  for (const member of ['head', 'genesis'] as const) {
    if (typeof c[member] !== 'string' || !HASH.test(c[member]))
      return `its ${member} is not a block hash`;
  }
  if (typeof c['at'] !== 'string' || Number.isNaN(Date.parse(c['at'])))
    return 'its time is not a date';
  if (
    typeof c['publicKey'] !== 'string' ||
    typeof c['keyId'] !== 'string' ||
    typeof c['signature'] !== 'string'
  )
    return 'it lacks its key or signature';
  const known = new Set([
    'type',
    'format',
    'height',
    'head',
    'genesis',
    'at',
    'keyId',
    'publicKey',
    'signature',
  ]);
  const extra = Object.keys(c).find((k) => !known.has(k));
  if (extra !== undefined) return `it has an unknown member ${JSON.stringify(extra)}`;
  let fingerprint: string;
  try {
    fingerprint = keyFingerprint(c['publicKey']);
  } catch {
    return 'its public key is not a key';
  }
  if (fingerprint !== c['keyId']) return 'its key id is not the fingerprint of its public key';
  const { signature, ...body } = c;
  try {
    if (
      !verify(
        null,
        canonicalBytes(body),
        createPublicKey(c['publicKey']),
        Buffer.from(signature, 'base64'),
      )
    )
      return 'its signature does not verify';
  } catch {
    return 'its signature does not verify';
  }
  return undefined;
}

/**
 * Reads a checkpoint from its JSON text and checks it.
 *
 * @throws TypeError naming the problem when the text is not a checkpoint that verifies
 */
export function parseCheckpoint(text: string): LedgerCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError('it is not JSON');
  }
  const problem = checkpointProblem(value);
  if (problem !== undefined) throw new TypeError(problem);
  return value as LedgerCheckpoint;
}
