/**
 * The smallest slice of a ledger that gridmark uses, the same for the embedded ledger and for
 * Hyperledger Fabric: evaluate a contract transaction (read), submit one (write, committed before
 * it returns), and follow the contract's events. Everything typed (rules, anchors, trades) is
 * built on top of it in the ledger adapter, so a second ledger is one more client, not a rewrite.
 */
export interface LedgerClient {
  /** Runs a read-only transaction on the current state; nothing is recorded. */
  evaluate(transaction: string, args: readonly string[]): Promise<Uint8Array>;
  /** Runs a transaction, orders and commits it; resolves once it is in a block. */
  submit(transaction: string, args: readonly string[]): Promise<SubmitResult>;
  /**
   * Chaincode events from `startBlock` on (inclusive), in commit order, then live ones, until the
   * signal aborts. Each committed transaction emits at most one event (a Fabric rule).
   */
  events(options: {
    readonly startBlock?: bigint;
    readonly signal?: AbortSignal;
  }): AsyncIterable<LedgerEvent>;
  close(): Promise<void>;
}

/** What a committed transaction returns. */
export interface SubmitResult {
  readonly result: Uint8Array;
  readonly txId: string;
  readonly blockNumber: bigint;
}

/** One chaincode event. */
export interface LedgerEvent {
  readonly name: string;
  readonly payload: Uint8Array;
  readonly txId: string;
  readonly blockNumber: bigint;
}
