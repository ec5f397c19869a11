import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import { ContractError } from '../../ledger-adapter/contract/contract-error.js';
import { parseResolveBatch, type BatchedResolveInput } from '../../ledger-adapter/contract/resolution.js';
import { GridmarkError, type Logger } from '../../schema/index.js';

/** Records the gateway's resolutions on the ledger in batches, off the request path. */
export interface ResolutionRecorder {
  /**
   * Queues a resolution for the ledger and returns its outcome, for the query to wait on while
   * it runs: it resolves once the resolution is on the ledger and rejects when the ledger refused
   * it (`LEDGER_REJECTED`, this resolution alone: the others of its batch are recorded), could not
   * be reached (`LEDGER_UNAVAILABLE`; the resolution stays queued and is recorded later), or the
   * recorder stopped first. The returned promise never counts as an unhandled rejection.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the ledger has stopped taking records (the
   *   backlog is full or the last batch failed) or the recorder is stopping: the gateway then
   *   refuses to release data. `LEDGER_REJECTED` when the contract would refuse the record as it
   *   stands (checked with the contract's own parser before anything is queued).
   */
  enqueue(request: BatchedResolveInput): Promise<void>;
  /**
   * Resolves when everything queued so far is on the ledger (or refused by it). Rejects with
   * `LEDGER_UNAVAILABLE` when a batch fails to reach the ledger meanwhile, or the recorder stops.
   */
  flush(): Promise<void>;
  /** False while resolutions cannot reach the ledger, and once stopping. */
  healthy(): boolean;
  /** One last attempt for what is queued, unless the ledger is failing; never longer than `stopTimeoutMs`. */
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
  /** The longest a stop waits for the last batch (default 5 s). */
  readonly stopTimeoutMs?: number;
}

/** One queued resolution and the query waiting for it. */
interface Entry {
  readonly request: BatchedResolveInput;
  readonly seq: number;
  state: 'queued' | 'recorded' | 'refused';
  readonly resolve: () => void;
  readonly reject: (error: GridmarkError) => void;
}

/** A caller of `flush` waiting for every resolution up to `seq`. */
interface FlushWaiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: GridmarkError) => void;
}

const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

/**
 * Every query's resolution is recorded on the ledger (patent [0091]); writing one transaction per
 * query would cost a block's hashing, signing and syncing each time, so resolutions made in the
 * same few milliseconds share one `ResolveBatch` transaction. The ledger computes and keeps the
 * same record `Resolve` would. A resolution the contract refuses fails only its own query: a
 * refused batch is split in halves down to the records it refuses, and the rest are recorded. If
 * the ledger cannot be reached, the recorder says so, the queries waiting fail closed, and the
 * gateway refuses new ones until a batch succeeds again (retried with backoff).
 */
export function createResolutionRecorder(options: ResolutionRecorderOptions): ResolutionRecorder {
  const { ledger, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const lingerMs = options.lingerMs ?? 5;
  const maxBacklog = options.maxBacklog ?? 5_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  let queue: Entry[] = [];
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let failing: GridmarkError | undefined;
  let backoffMs = FIRST_BACKOFF_MS;
  let wakeFromBackoff: (() => void) | undefined;
  let flushes: FlushWaiter[] = [];

  const settle = (entry: Entry, outcome: GridmarkError | undefined): void => {
    if (entry.state !== 'queued') return;
    entry.state = outcome ? 'refused' : 'recorded';
    if (outcome) entry.reject(outcome);
    else entry.resolve();
  };
  const settleFlushes = (): void => {
    const oldest = queue[0]?.seq ?? Infinity;
    const done = flushes.filter((f) => f.seq < oldest);
    flushes = flushes.filter((f) => f.seq >= oldest);
    for (const f of done) f.resolve();
  };
  /** Fails the queries and flushes waiting now: the ledger is not there for them (their records stay queued). */
  const failWaiting = (error: GridmarkError): void => {
    for (const entry of queue) entry.reject(error);
    const waiting = flushes;
    flushes = [];
    for (const f of waiting) f.reject(error);
  };

  /** Records a batch; a batch the contract refuses is halved down to the records it refuses. Throws when the ledger cannot be reached. */
  const record = async (batch: readonly Entry[]): Promise<void> => {
    let result: Awaited<ReturnType<LedgerAdapter['resolveBatch']>>;
    try {
      result = await ledger.resolveBatch(batch.map((e) => e.request));
    } catch (error) {
      const failure = asLedgerError(error);
      if (failure.code !== 'LEDGER_REJECTED') throw failure;
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await record(batch.slice(0, half));
        await record(batch.slice(half));
        return;
      }
      const entry = batch[0] as Entry;
      logger.warn(`the ledger refused resolution ${entry.request.resolutionId}: ${failure.message}`);
      settle(entry, new GridmarkError('LEDGER_REJECTED', 'The ledger refused to record this query\'s resolution; nothing is released.', { details: { ...failure.details, resolution: entry.request.resolutionId }, cause: failure }));
      return;
    }
    const refused = new Map(result.refused.map((r) => [r.resolutionId, r.code]));
    for (const entry of batch) {
      const code = refused.get(entry.request.resolutionId);
      if (code !== undefined) logger.warn(`the ledger refused resolution ${entry.request.resolutionId}: ${code}`);
      settle(entry, code === undefined ? undefined : new GridmarkError('LEDGER_REJECTED', `The ledger refused to record this query's resolution (${code}); nothing is released.`, { details: { contractCode: code, resolution: entry.request.resolutionId } }));
    }
  };

  const backoff = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const pause = setTimeout(resolve, backoffMs);
      wakeFromBackoff = () => {
        clearTimeout(pause);
        resolve();
      };
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }).finally(() => {
      wakeFromBackoff = undefined;
    });

  const send = async (): Promise<void> => {
    while (queue.length > 0 && (phase === 'running' || (phase === 'stopping' && !failing))) {
      const batch = queue.slice(0, batchSize);
      try {
        await record(batch);
        if (failing) logger.info('resolutions reach the ledger again');
        failing = undefined;
        backoffMs = FIRST_BACKOFF_MS;
      } catch (error) {
        failing = asLedgerError(error);
        logger.error(`resolutions not recorded yet (${queue.length} waiting), retrying in ${backoffMs} ms: ${failing.message}`);
        failWaiting(new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger is not recording resolutions; nothing is released until it does.', { cause: failing }));
      } finally {
        queue = queue.filter((e) => e.state === 'queued');
        settleFlushes();
      }
      if (failing && phase === 'running') await backoff();
    }
  };
  const kick = (): void => {
    if (inFlight) return;
    inFlight = send().finally(() => {
      inFlight = undefined;
      if (queue.length > 0 && phase === 'running') kick();
    });
  };

  return {
    enqueue(request) {
      if (phase !== 'running') throw new GridmarkError('LEDGER_UNAVAILABLE', 'The gateway is stopping; nothing more is released.');
      if (failing || queue.length >= maxBacklog) {
        throw new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger is not recording resolutions; nothing is released until it does.', failing ? { cause: failing } : {});
      }
      checkRecord(request);
      let entry: Entry | undefined;
      const outcome = new Promise<void>((resolve, reject) => {
        entry = { request, seq: ++seq, state: 'queued', resolve, reject };
      });
      outcome.catch(() => undefined);
      queue.push(entry as Entry);
      if (queue.length >= batchSize) kick();
      else if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          kick();
        }, lingerMs);
      }
      return outcome;
    },
    flush() {
      if (queue.length === 0) return Promise.resolve();
      if (phase === 'stopped') return Promise.reject(stoppedError());
      if (failing) return Promise.reject(new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger is not recording resolutions.', { cause: failing }));
      return new Promise((resolve, reject) => {
        flushes.push({ seq, resolve, reject });
        kick();
      });
    },
    healthy: () => phase === 'running' && failing === undefined,
    async stop() {
      if (phase !== 'running') return;
      phase = 'stopping';
      if (timer) clearTimeout(timer);
      timer = undefined;
      wakeFromBackoff?.();
      if (queue.length > 0 && !failing) kick();
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([inFlight ?? Promise.resolve(), new Promise<void>((resolve) => (deadline = setTimeout(resolve, stopTimeoutMs)))]);
      clearTimeout(deadline);
      phase = 'stopped';
      if (queue.length > 0) logger.error(`${queue.length} resolutions were not recorded on the ledger before stopping`);
      const left = queue;
      queue = [];
      for (const entry of left) settle(entry, stoppedError());
      failWaiting(stoppedError());
    },
  };
}

/** Refuses, before it is queued, a record the contract would refuse (so it never reaches a batch). */
function checkRecord(request: BatchedResolveInput): void {
  try {
    parseResolveBatch({ requests: [request] });
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    throw new GridmarkError('LEDGER_REJECTED', `The ledger would refuse this query's resolution: ${error.reason}.`, { details: { contractCode: error.code, reason: error.reason }, cause: error });
  }
}

function asLedgerError(error: unknown): GridmarkError {
  if (error instanceof GridmarkError) return error;
  return new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger did not answer.', { cause: error });
}

function stoppedError(): GridmarkError {
  return new GridmarkError('LEDGER_UNAVAILABLE', 'The gateway stopped before this query\'s resolution was on the ledger; nothing is released.');
}
