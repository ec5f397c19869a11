import type Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import { merkleTree, type ProofStep, type TradeReceipt } from '../../../ledger-adapter/index.js';
import { isHexId, packId, unpackId } from './book-ids.js';

/*
 * A ledger transaction records a batch of trades under one Merkle root; each trade's receipt is
 * its leaf and the path to that root. The book keeps the batch's leaves once, in order, and each
 * trade's place among them: about 32 bytes a trade instead of a receipt of 32 bytes a level.
 */

/** A ledger transaction's batch as the book keeps it. */
export interface ReceiptBatch {
  readonly txId: string;
  readonly merkleRoot: string;
  /** The Merkle leaves (hex), in the tree's order. */
  readonly leaves: readonly string[];
  /** Each trade's leaf. */
  readonly places: ReadonlyMap<string, number>;
}

/**
 * Where in a tree of `leafCount` leaves the leaf of `proof` sits, or undefined when the proof
 * cannot be one of that tree's (see ledger-adapter/contract/merkle.ts: a node without a sibling
 * moves up unchanged, so its level has no step).
 */
export function leafPlace(proof: readonly ProofStep[], leafCount: number): number | undefined {
  const sizes: number[] = [];
  for (let size = leafCount; size > 1; size = Math.ceil(size / 2)) sizes.push(size);
  let at = 0;
  let step = proof.length;
  // From the root down: the proof's last step is the root's other child.
  for (let level = sizes.length - 1; level >= 0; level--) {
    if (2 * at + 1 < (sizes[level] as number)) {
      const side = proof[--step]?.side;
      if (side !== 'L' && side !== 'R') return undefined;
      at = 2 * at + (side === 'L' ? 1 : 0);
    } else at *= 2;
  }
  return step === 0 ? at : undefined;
}

/** Receipts grouped by ledger transaction and root, in the order they came. */
export function receiptsByBatch(receipts: readonly TradeReceipt[]): TradeReceipt[][] {
  const groups = new Map<string, TradeReceipt[]>();
  for (const r of receipts) {
    const key = `${r.txId}\u0000${r.merkleRoot}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/** The receipt of the trade at leaf `place` of a batch whose tree gave `proofs`. */
function receiptAt(
  batch: Omit<ReceiptBatch, 'places'>,
  proofs: readonly (readonly ProofStep[])[],
  tradeId: string,
  place: number,
): TradeReceipt {
  return {
    tradeId,
    txId: batch.txId,
    leafHash: batch.leaves[place] as string,
    merkleRoot: batch.merkleRoot,
    proof: proofs[place] as ProofStep[],
  };
}

/**
 * The batch that `receipts` (one transaction's, see {@link receiptsByBatch}) are the whole of, or
 * undefined when they are not all of it (some of its trades are elsewhere) or any receipt would
 * not read back from the batch exactly as given: those are kept whole.
 */
export function wholeBatch(receipts: readonly TradeReceipt[]): ReceiptBatch | undefined {
  const first = receipts[0];
  if (!first || !isHexId(first.merkleRoot)) return undefined;
  const leaves: string[] = [];
  const places = new Map<string, number>();
  for (const r of receipts) {
    if (
      r.txId !== first.txId ||
      r.merkleRoot !== first.merkleRoot ||
      !isHexId(r.leafHash) ||
      places.has(r.tradeId) ||
      !Array.isArray(r.proof)
    )
      return undefined;
    const place = leafPlace(r.proof, receipts.length);
    if (place === undefined || leaves[place] !== undefined) return undefined;
    leaves[place] = r.leafHash;
    places.set(r.tradeId, place);
  }
  const batch: ReceiptBatch = { txId: first.txId, merkleRoot: first.merkleRoot, leaves, places };
  const { root, proofs } = merkleTree(leaves);
  if (root !== first.merkleRoot) return undefined;
  return receipts.every((r) =>
    isDeepStrictEqual(receiptAt(batch, proofs, r.tradeId, places.get(r.tradeId) as number), r),
  )
    ? batch
    : undefined;
}

/** The book's table of receipt batches. */
export interface ReceiptBatches {
  /** Stores a batch; returns its id. Inside a transaction. */
  add(batch: ReceiptBatch): number;
  /** The receipt of the trade at leaf `place` of batch `batchId`, as the ledger gave it. */
  receipt(batchId: number, place: number, tradeId: string): TradeReceipt;
}

/** Batches whose trees are kept in memory: a page of trades read in order mostly shares a few. */
const CACHED_TREES = 16;

/** Receipt batches in the book's SQLite file. */
export function receiptBatches(db: Database.Database): ReceiptBatches {
  const insert = db.prepare('INSERT INTO receipt_batches (tx_id, leaves) VALUES (?, ?)');
  const read = db.prepare<[number], { tx_id: unknown; leaves: Buffer }>(
    'SELECT tx_id, leaves FROM receipt_batches WHERE batch_id = ?',
  );
  /** Rows are never changed (a trigger refuses it), so a tree read once stays true. */
  const trees = new Map<
    number,
    { batch: Omit<ReceiptBatch, 'places'>; proofs: readonly (readonly ProofStep[])[] }
  >();
  const treeOf = (batchId: number) => {
    const cached = trees.get(batchId);
    if (cached) return cached;
    const row = read.get(batchId);
    if (!row) throw new Error(`receipt batch ${batchId} is missing from the billing book`);
    const leaves = Array.from({ length: row.leaves.length / 32 }, (_, i) =>
      row.leaves.subarray(i * 32, i * 32 + 32).toString('hex'),
    );
    // The root is the leaves' (wholeBatch checked it when the batch was stored).
    const { root, proofs } = merkleTree(leaves);
    const tree = { batch: { txId: unpackId(row.tx_id), merkleRoot: root, leaves }, proofs };
    if (trees.size >= CACHED_TREES) trees.delete(trees.keys().next().value as number);
    trees.set(batchId, tree);
    return tree;
  };
  return {
    add: (batch) =>
      Number(
        insert.run(
          packId(batch.txId),
          Buffer.concat(batch.leaves.map((leaf) => Buffer.from(leaf, 'hex'))),
        ).lastInsertRowid,
      ),
    receipt(batchId, place, tradeId) {
      const { batch, proofs } = treeOf(batchId);
      if (place < 0 || place >= batch.leaves.length)
        throw new Error(
          `trade ${tradeId} names leaf ${place} of receipt batch ${batchId}, which has ${batch.leaves.length}`,
        );
      return receiptAt(batch, proofs, tradeId, place);
    },
  };
}
