import { GridmarkError } from '../../schema/index.js';
import { isFingerprint, normalizeFingerprint } from './key-fingerprint.js';

/** A head the chain must hold: the hash of a block, and the height it makes when known. */
export interface HeadExpectation {
  /** The number of blocks up to and including the block; undefined when only the hash is known. */
  readonly height?: number;
  /** The block's hash (hex). */
  readonly hash: string;
}

/** What an expectation is checked against: a chain's height and key, and its blocks' hashes. */
export interface ChainHead {
  /** The number of blocks. */
  readonly height: number;
  /** The fingerprint of the key that signs the chain. */
  readonly keyId: string;
  /** The hash of block `number`, or undefined when the chain does not hold it (or it was not looked at). */
  hashAt(number: number): string | undefined;
  /** The number of the block whose hash is `hash`, when the chain holds one; needed only for an expectation without a height. */
  numberOf?(hash: string): number | undefined;
}

const short = (hash: string): string => `${hash.slice(0, 16)}…`;

/**
 * Why `chain` does not hold the expected head (it ends before it, or holds another block at its
 * height, or no block with its hash), or undefined when it holds it (as its head, or further back).
 * `label` names where the expectation comes from in the message.
 */
export function headProblem(
  chain: ChainHead,
  expected: HeadExpectation,
  label: string,
): string | undefined {
  if (expected.height === undefined) {
    return chain.numberOf?.(expected.hash) === undefined
      ? `no block of the chain has the hash ${expected.hash} (${label})`
      : undefined;
  }
  const number = expected.height - 1;
  if (chain.height < expected.height) {
    return `the chain ends at height ${chain.height} (block ${chain.height - 1}), before the head at height ${expected.height} (${label}): ${expected.height - chain.height} block(s) are not there`;
  }
  const actual = chain.hashAt(number);
  if (actual !== expected.hash)
    return `block ${number} is ${actual === undefined ? 'unknown' : short(actual)}, not the head ${short(expected.hash)} at height ${expected.height} (${label})`;
  return undefined;
}

/** Why `chain` is not signed by the key with fingerprint `keyId`, or undefined when it is. */
export function keyProblem(chain: ChainHead, keyId: string, label: string): string | undefined {
  return chain.keyId === keyId
    ? undefined
    : `the chain is signed by key ${chain.keyId}, not by ${keyId} (${label})`;
}

/**
 * Reads `--expect-head`: `<height>:<hash>` or a block hash alone (64 hex digits).
 *
 * @throws GridmarkError BAD_CONFIGURATION for anything else
 */
export function parseHeadExpectation(text: string): HeadExpectation {
  const match = /^(?:(\d{1,15}):)?([0-9a-fA-F]{64})$/.exec(text.trim());
  const height = match?.[1] === undefined ? undefined : Number(match[1]);
  if (!match || (height !== undefined && height < 1)) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `--expect-head takes <height>:<block hash> or a block hash (64 hex digits), not ${JSON.stringify(text)}.`,
    );
  }
  const hash = (match[2] as string).toLowerCase();
  return height === undefined ? { hash } : { height, hash };
}

/** Reads a key fingerprint (`sha256:<hex>` or 64 hex digits), or undefined when `text` is not one. */
export function readFingerprint(text: string): string | undefined {
  return isFingerprint(text.trim()) ? normalizeFingerprint(text.trim()) : undefined;
}
