import { describe, expect, it } from 'vitest';
import { merkleTree, sha256Hex, type TradeReceipt } from '../../../ledger-adapter/index.js';
import { leafPlace, receiptsByBatch, wholeBatch } from './receipt-batches.js';

const TX = 'a1'.repeat(32);
const leaves = (n: number, tag = 'trade'): string[] =>
  Array.from({ length: n }, (_, i) => sha256Hex(`${tag} ${i}`));

/** The receipts a ledger transaction of `n` trades gives, as buildReceipts writes them. */
function receiptsOf(n: number, txId = TX, tag = 'trade'): TradeReceipt[] {
  const hashes = leaves(n, tag);
  const { root, proofs } = merkleTree(hashes);
  return hashes.map((leafHash, i) => ({
    tradeId: `${tag}-${i}`,
    txId,
    leafHash,
    merkleRoot: root,
    proof: proofs[i] ?? [],
  }));
}

describe('receipt batches', () => {
  it("finds each leaf's place in trees of 1 to 40 leaves from its proof alone", () => {
    for (let n = 1; n <= 40; n++) {
      const { proofs } = merkleTree(leaves(n));
      expect(proofs.map((proof) => leafPlace(proof, n))).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
    }
  });

  it('refuses a proof that cannot be of a tree of that size', () => {
    const { proofs } = merkleTree(leaves(8));
    expect(leafPlace(proofs[3] ?? [], 4)).toBeUndefined();
    expect(leafPlace(proofs[3] ?? [], 16)).toBeUndefined();
  });

  it("gives back a transaction's batch from its receipts in any order, with each trade's leaf", () => {
    const receipts = receiptsOf(11);
    const batch = wholeBatch([...receipts].reverse());
    expect(batch?.leaves).toEqual(leaves(11));
    expect(batch?.merkleRoot).toBe(receipts[0]?.merkleRoot);
    expect(receipts.map((r) => batch?.places.get(r.tradeId))).toEqual(
      Array.from({ length: 11 }, (_, i) => i),
    );
    expect(wholeBatch(receiptsOf(1))?.leaves).toEqual(leaves(1));
  });

  it('keeps no batch when a receipt is missing, altered or not in hex', () => {
    const receipts = receiptsOf(6);
    expect(wholeBatch(receipts.slice(1))).toBeUndefined();
    const [first, ...rest] = receipts as [TradeReceipt, ...TradeReceipt[]];
    const step = first.proof[0] as TradeReceipt['proof'][number];
    expect(
      wholeBatch([
        { ...first, proof: [{ ...step, hash: sha256Hex('other') }, ...first.proof.slice(1)] },
        ...rest,
      ]),
    ).toBeUndefined();
    expect(
      wholeBatch([{ ...first, tradeId: (rest[0] as TradeReceipt).tradeId }, ...rest]),
    ).toBeUndefined();
    expect(
      wholeBatch([{ ...first, leafHash: first.leafHash.toUpperCase() }, ...rest]),
    ).toBeUndefined();
    expect(
      wholeBatch([{ tradeId: 'T-1', txId: 'tx', leafHash: 'l', merkleRoot: 'm', proof: [] }]),
    ).toBeUndefined();
  });

  it('groups receipts by transaction and root', () => {
    const a = receiptsOf(3, TX, 'a');
    const b = receiptsOf(2, 'b2'.repeat(32), 'b');
    const groups = receiptsByBatch([a[0], b[0], a[1], b[1], a[2]] as TradeReceipt[]);
    expect(groups).toEqual([a, b]);
    expect(groups.map((g) => wholeBatch(g)?.leaves.length)).toEqual([3, 2]);
  });
});
