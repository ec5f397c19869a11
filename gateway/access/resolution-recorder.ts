import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { BatchedResolveInput } from '../../ledger-adapter/contract/resolution.js';
import { GridmarkError, type Logger } from '../../schema/index.js';

/** Records the gateway's resolutions on the ledger in batches, off the request path. */
export interface ResolutionRecorder {
  /**
   * Queues a resolution for the ledger.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the ledger has stopped taking records (the
   *   backlog is full or the last batch failed): the gateway then refuses to release data.
   */
  enqueue(request: BatchedResolveInput): void;
  /** Resolves when everything queued so far is on the ledger. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link createResolutionRecorder}. */
export interface ResolutionRecorderOptions {
  readonly ledger: LedgerAdapter;
  readonly logger: Logger;
  /** Resolutions per ledger transaction. */
  readonly batchSize?: number;
  /** How long a resolution may wait for others to share its transaction. */
  readonly lingerMs?: number;
  /** Queued resolutions beyond which new queries are refused. */
  readonly maxBacklog?: number;
}

/**
 * Every query's resolution is recorded on the ledger (patent [0091]); writing one transaction per
 * query would cost a block's hashing, signing and syncing each time, so resolutions made in the
 * same few milliseconds share one `ResolveBatch` transaction. The ledger computes and keeps the
 * same record `Resolve` would. If the ledger stops taking them, the recorder says so and the
 * gateway fails closed until a batch succeeds again.
 */
export function createResolutionRecorder(options: ResolutionRecorderOptions): ResolutionRecorder {
  const batchSize = options.batchSize ?? 200;
  const lingerMs = options.lingerMs ?? 5;
  const maxBacklog = options.maxBacklog ?? 5_000;
  let queue: BatchedResolveInput[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let failing: Error | undefined;
  let waiters: (() => void)[] = [];
  let stopped = false;

  const send = async (): Promise<void> => {
    while (queue.length > 0 && !(stopped && failing)) {
      const batch = queue.slice(0, batchSize);
      try {
        const { refused } = await options.ledger.resolveBatch(batch);
        queue = queue.slice(batch.length);
        failing = undefined;
        for (const r of refused) options.logger.warn(`the ledger refused resolution ${r.resolutionId}: ${r.code}`);
      } catch (error) {
        failing = error instanceof Error ? error : new Error(String(error));
        options.logger.error(`resolutions not recorded yet (${queue.length} waiting): ${failing.message}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const done = waiters;
    waiters = [];
    for (const wake of done) wake();
  };
  const kick = (): void => {
    if (inFlight) return;
    inFlight = send().finally(() => {
      inFlight = undefined;
      if (queue.length > 0 && !stopped) kick();
    });
  };

  return {
    enqueue(request) {
      if (failing || queue.length >= maxBacklog) {
        throw new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger is not recording resolutions; nothing is released until it does.', failing ? { cause: failing } : {});
      }
      queue.push(request);
      if (queue.length >= batchSize) kick();
      else if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          kick();
        }, lingerMs);
      }
    },
    flush() {
      if (queue.length === 0 && !inFlight) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.push(resolve);
        kick();
      });
    },
    async stop() {
      // One last attempt for what is queued; a ledger that is down does not hold the stop.
      stopped = true;
      if (timer) clearTimeout(timer);
      if (queue.length > 0) kick();
      await inFlight;
      if (queue.length > 0) options.logger.error(`${queue.length} resolutions were not recorded on the ledger before stopping`);
    },
  };
}
