import { createHash } from 'node:crypto';
import type { ProofStep } from './records.js';

/*
 * A binary Merkle tree over SHA-256 leaf hashes. An inner node is SHA-256(0x01 || left || right)
 * (the prefix keeps an inner node from passing as a leaf); a node without a sibling moves up a
 * level unchanged rather than being paired with itself.
 */

function inner(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** SHA-256 of `bytes`, hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The root of the tree over `leaves` (hex hashes) and, for each leaf, its inclusion proof.
 *
 * @throws RangeError when `leaves` is empty
 */
export function merkleTree(leaves: readonly string[]): { root: string; proofs: ProofStep[][] } {
  if (leaves.length === 0) throw new RangeError('a Merkle tree needs at least one leaf');
  let level: Buffer[] = leaves.map((hex) => Buffer.from(hex, 'hex'));
  // positions[i] is where leaf i's ancestor sits in the current level.
  const positions = leaves.map((_, i) => i);
  const proofs: ProofStep[][] = leaves.map(() => []);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      next.push(right ? inner(left, right) : left);
    }
    for (let leaf = 0; leaf < leaves.length; leaf++) {
      const at = positions[leaf] as number;
      const sibling = at % 2 === 0 ? level[at + 1] : level[at - 1];
      if (sibling)
        (proofs[leaf] as ProofStep[]).push({
          side: at % 2 === 0 ? 'R' : 'L',
          hash: sibling.toString('hex'),
        });
      positions[leaf] = at >> 1;
    }
    level = next;
  }
  return { root: (level[0] as Buffer).toString('hex'), proofs };
}

/**
 * The inclusion proof of leaf `index` alone, and the root: what {@link merkleTree} gives for that
 * leaf, with one hash per inner node and no proofs of the other leaves.
 *
 * @throws RangeError when `index` is not a leaf of `leaves`
 */
export function merkleProof(
  leaves: readonly string[],
  index: number,
): { root: string; proof: ProofStep[] } {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
    throw new RangeError(`leaf ${index} is not one of ${leaves.length}`);
  let level: Buffer[] = leaves.map((hex) => Buffer.from(hex, 'hex'));
  let at = index;
  const proof: ProofStep[] = [];
  while (level.length > 1) {
    const sibling = at % 2 === 0 ? level[at + 1] : level[at - 1];
    if (sibling) proof.push({ side: at % 2 === 0 ? 'R' : 'L', hash: sibling.toString('hex') });
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      next.push(right ? inner(left, right) : left);
    }
    level = next;
    at >>= 1;
  }
  return { root: (level[0] as Buffer).toString('hex'), proof };
}

/** Recomputes the root from a leaf and its proof. */
export function merkleRootFromProof(leafHash: string, proof: readonly ProofStep[]): string {
  let node: Buffer = Buffer.from(leafHash, 'hex');
  for (const step of proof) {
    const sibling = Buffer.from(step.hash, 'hex');
    node = step.side === 'L' ? inner(sibling, node) : inner(node, sibling);
  }
  return node.toString('hex');
}
