import { describe, expect, it } from 'vitest';
import { merkleProof, merkleRootFromProof, merkleTree, sha256Hex } from './merkle.js';

const leaves = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => sha256Hex(`trade ${i}`));

describe('merkleTree', () => {
  it('proves every leaf of trees of one to nine leaves against the root', () => {
    for (let n = 1; n <= 9; n++) {
      const { root, proofs } = merkleTree(leaves(n));
      leaves(n).forEach((leaf, i) =>
        expect(merkleRootFromProof(leaf, proofs[i] ?? []), `${n} leaves, leaf ${i}`).toBe(root),
      );
    }
  });

  it('makes a single leaf its own root', () => {
    const [leaf] = leaves(1);
    expect(merkleTree([leaf as string])).toEqual({ root: leaf, proofs: [[]] });
  });

  it('refuses a proof for another leaf or with a changed step', () => {
    const { root, proofs } = merkleTree(leaves(5));
    const proof = proofs[2] ?? [];
    expect(merkleRootFromProof(leaves(5)[3] as string, proof)).not.toBe(root);
    const flipped = proof.map((step, i) =>
      i === 0 ? { ...step, side: step.side === 'L' ? ('R' as const) : ('L' as const) } : step,
    );
    expect(merkleRootFromProof(leaves(5)[2] as string, flipped)).not.toBe(root);
  });

  it('does not let an inner node pass as a leaf of a smaller tree', () => {
    const [a, b, c, d] = leaves(4) as [string, string, string, string];
    const four = merkleTree([a, b, c, d]).root;
    const left = merkleTree([a, b]).root;
    const right = merkleTree([c, d]).root;
    // The root of [a, b, c, d] is built from the two halves' roots, but not as a plain hash of leaves.
    expect(merkleTree([left, right]).root).toBe(four);
    expect(
      sha256Hex(Buffer.concat([Buffer.from(left, 'hex'), Buffer.from(right, 'hex')])),
    ).not.toBe(four);
  });

  it('needs at least one leaf', () => {
    expect(() => merkleTree([])).toThrow(RangeError);
  });

  it('gives one leaf the same proof alone as with all the others', () => {
    for (let n = 1; n <= 9; n++) {
      const { root, proofs } = merkleTree(leaves(n));
      for (let i = 0; i < n; i++)
        expect(merkleProof(leaves(n), i), `${n} leaves, leaf ${i}`).toEqual({
          root,
          proof: proofs[i],
        });
    }
    expect(() => merkleProof(leaves(3), 3)).toThrow(RangeError);
  });
});
