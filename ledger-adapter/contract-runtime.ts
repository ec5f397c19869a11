/**
 * How a peer (the embedded ledger, or the Fabric Gateway test peer) runs the gridmark contract:
 * it hands the contract a read view of the world state and a transaction proposal, and gets back
 * the outcome, the read/write set and at most one event. The peer then orders the outcome into a
 * block and applies the writes. Keeping this a plain function makes the contract runnable by any
 * peer without Fabric's shim.
 */

/** The world state as the contract sees it while a transaction executes. */
export interface WorldStateReader {
  /** The committed value of `key`, or undefined. */
  get(key: string): Promise<StateEntry | undefined>;
  /** Committed entries with `startKey <= key < endKey`, in key order. */
  range(startKey: string, endKey: string): AsyncIterable<{ readonly key: string } & StateEntry>;
}

/** A committed value and the version (block, transaction index) that wrote it. */
export interface StateEntry {
  readonly value: Uint8Array;
  readonly version: { readonly blockNumber: bigint; readonly txNumber: number };
}

/** Who submitted a transaction. */
export interface TransactionCreator {
  readonly mspId: string;
  /** PEM certificate of the submitter, when it has one (Fabric); the embedded ledger's node identity otherwise. */
  readonly certificatePem: string;
}

/** A transaction to execute. */
export interface TransactionInput {
  readonly transaction: string;
  readonly args: readonly string[];
  readonly txId: string;
  readonly timestamp: Date;
  readonly creator: TransactionCreator;
}

/** The result of executing one transaction (not yet committed). */
export interface TransactionOutcome {
  readonly status: 'OK' | 'ERROR';
  /** The transaction's return value (JSON bytes) when OK. */
  readonly payload: Uint8Array;
  /** The error message when ERROR, starting with the contract's error code in brackets. */
  readonly message: string;
  readonly reads: readonly {
    readonly key: string;
    readonly version: StateEntry['version'] | null;
  }[];
  readonly writes: readonly { readonly key: string; readonly value: Uint8Array | null }[];
  readonly event: { readonly name: string; readonly payload: Uint8Array } | null;
}

/** Executes one transaction of the gridmark contract against a world state. */
export type ContractRunner = (
  state: WorldStateReader,
  input: TransactionInput,
) => Promise<TransactionOutcome>;
