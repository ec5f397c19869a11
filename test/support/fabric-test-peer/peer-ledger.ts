import type { common, peer } from '@hyperledger/fabric-protos';
import { validateTransaction, type ValidationContext } from './block-validator.js';

/** A committed transaction as the ledger keeps it. */
export interface CommittedTransaction {
  readonly txId: string;
  /** Its `peer.TxValidationCode`. */
  readonly code: number;
  readonly event: peer.ChaincodeEvent | null;
}

/** A committed block: its number and its transactions in order. Block 0 is the channel's genesis block. */
export interface CommittedBlock {
  readonly number: bigint;
  readonly transactions: readonly CommittedTransaction[];
}

/** Where a transaction ended up. */
export interface TransactionStatus {
  readonly code: number;
  readonly blockNumber: bigint;
}

/** The test peer's ledger: the chain of committed blocks, the transaction index and the world state. */
export interface PeerLedger {
  /** The number of blocks; the next block's number. */
  height(): bigint;
  block(number: bigint): CommittedBlock | undefined;
  /** The block that holds `txId` (its first occurrence), if any. */
  blockOf(txId: string): bigint | undefined;
  status(txId: string): TransactionStatus | undefined;
  /** Resolves when `txId` is committed; rejects with the signal's reason when it aborts first. */
  waitForStatus(txId: string, signal: AbortSignal): Promise<TransactionStatus>;
  /** Calls `listener` after each committed block; returns the unsubscribe function. */
  onBlock(listener: (block: CommittedBlock) => void): () => void;
  /** Validates the ordered envelopes, applies the valid ones' writes, and appends the block. */
  commit(envelopes: readonly common.Envelope[]): CommittedBlock;
}

/** Creates a ledger holding only the genesis block, over `context.state`. */
export function createPeerLedger(context: Omit<ValidationContext, 'seen'>): PeerLedger {
  const blocks: CommittedBlock[] = [{ number: 0n, transactions: [] }];
  const statuses = new Map<string, TransactionStatus>();
  const listeners = new Set<(block: CommittedBlock) => void>();
  const waiters = new Map<string, Set<(status: TransactionStatus) => void>>();

  return {
    height: () => BigInt(blocks.length),
    block: (number) => blocks[Number(number)],
    blockOf: (txId) => statuses.get(txId)?.blockNumber,
    status: (txId) => statuses.get(txId),
    waitForStatus(txId, signal) {
      const known = statuses.get(txId);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const set = waiters.get(txId) ?? new Set();
        waiters.set(txId, set);
        const onAbort = (): void => {
          set.delete(done);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        const done = (status: TransactionStatus): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(status);
        };
        set.add(done);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    onBlock(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    commit(envelopes) {
      const number = BigInt(blocks.length);
      const inBlock = new Set<string>();
      const transactions = envelopes.map((envelope, txNumber): CommittedTransaction => {
        const validated = validateTransaction(envelope, {
          ...context,
          seen: (txId) => statuses.has(txId) || inBlock.has(txId),
        });
        if (validated.txId !== '') inBlock.add(validated.txId);
        if (validated.code === 0)
          context.state.apply(validated.writes, { blockNumber: number, txNumber });
        return { txId: validated.txId, code: validated.code, event: validated.event };
      });
      const block: CommittedBlock = { number, transactions };
      blocks.push(block);
      for (const { txId, code } of transactions) {
        if (txId === '' || statuses.has(txId)) continue;
        const status = { code, blockNumber: number };
        statuses.set(txId, status);
        for (const resolve of waiters.get(txId) ?? []) resolve(status);
        waiters.delete(txId);
      }
      for (const listener of listeners) listener(block);
      return block;
    },
  };
}
