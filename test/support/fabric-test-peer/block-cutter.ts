import type { common } from '@hyperledger/fabric-protos';

/** How the ordering emulation cuts blocks: Fabric's BatchSize.MaxMessageCount and BatchTimeout. */
export interface BlockCutterOptions {
  readonly maxTransactions: number;
  readonly batchTimeoutMs: number;
  /** Receives each cut batch, in order. */
  readonly deliver: (envelopes: readonly common.Envelope[]) => void;
}

/** Orders submitted transactions into batches. */
export interface BlockCutter {
  enqueue(envelope: common.Envelope): void;
  /** Cuts what is pending now and stops the timer. */
  flush(): void;
}

/**
 * Creates a block cutter: a batch is cut when it holds `maxTransactions`, or `batchTimeoutMs`
 * after its first transaction arrived, whichever comes first, as a Raft orderer does.
 */
export function createBlockCutter(options: BlockCutterOptions): BlockCutter {
  let pending: common.Envelope[] = [];
  let timer: NodeJS.Timeout | undefined;
  const cut = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    options.deliver(batch);
  };
  return {
    enqueue(envelope) {
      pending.push(envelope);
      if (pending.length >= options.maxTransactions) cut();
      else timer ??= setTimeout(cut, options.batchTimeoutMs);
    },
    flush: cut,
  };
}
