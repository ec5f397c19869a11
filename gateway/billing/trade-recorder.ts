import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import { translateLedgerError } from '../../ledger-adapter/adapter/ledger-errors.js';
import type { Trade, TradeReceipt } from '../../ledger-adapter/contract/records.js';
import { MAX_TRADES_PER_CALL } from '../../ledger-adapter/contract/trades.js';
import { GridmarkError, type Logger } from '../../schema/index.js';

/** Where charged queries' trades wait, durably, until the ledger has recorded or refused them. */
export interface TradeOutbox {
  /** The oldest trades not yet on the ledger (nor refused), at most `limit`. */
  pending(limit: number): Promise<readonly Trade[]>;
  /** Stores the receipts of recorded trades; they stop being pending. */
  recorded(receipts: readonly TradeReceipt[]): Promise<void>;
  /** Marks a trade the ledger refused (with the contract's code and message); it stops being pending. */
  refused(tradeId: string, code: string, message: string): Promise<void>;
}

/** Moves trades from a {@link TradeOutbox} to the ledger in batches. */
export interface TradeRecorder {
  /** Trades were added to the outbox: record them soon (batched; waits up to lingerMs for more). */
  poke(): void;
  /**
   * Resolves with the trade's receipt once it is on the ledger.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when it is not recorded within `timeoutMs` (default
   *   10 s) or the recorder stops first; `LEDGER_REJECTED` (`details.contractCode`, `details.reason`)
   *   when the ledger refused it
   */
  receipt(tradeId: string, timeoutMs?: number): Promise<TradeReceipt>;
  /**
   * Resolves when everything pending at the call is recorded or refused.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the recorder stops first
   */
  flush(): Promise<void>;
  /**
   * False while the last ledger call failed (not refused), or the outbox could not be read or
   * written: the gateway then stops charging.
   */
  healthy(): boolean;
  /** Makes one last attempt at what is pending (unless the ledger is failing) and stops. */
  stop(): Promise<void>;
}

/** Options of {@link createTradeRecorder}. */
export interface TradeRecorderOptions {
  /** The slice of the ledger adapter the recorder uses. */
  readonly ledger: Pick<LedgerAdapter, 'recordTrades'>;
  readonly outbox: TradeOutbox;
  /** Runs before each ledger call: the trades' resolutions must be on the ledger first. */
  readonly before?: () => Promise<void>;
  readonly logger: Logger;
  /** Trades per ledger transaction. Default 500, at most `MAX_TRADES_PER_CALL`. */
  readonly batchSize?: number;
  /** How long a poke waits for more trades to share its transaction. Default 5 ms. */
  readonly lingerMs?: number;
}

type Outcome = { readonly kind: 'recorded'; readonly receipt: TradeReceipt } | { readonly kind: 'refused'; readonly error: GridmarkError };

const DEFAULT_RECEIPT_TIMEOUT_MS = 10_000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
/** Outcomes kept for a `receipt` or `flush` call that arrives after its trade was settled. */
const RECENT_OUTCOMES = 20_000;
/** Batches on their way to the ledger at once. */
const MAX_IN_FLIGHT = 2;

function stoppedError(tradeId?: string): GridmarkError {
  return new GridmarkError('LEDGER_UNAVAILABLE', `The trade recorder stopped before ${tradeId === undefined ? 'the pending trades were' : `trade ${tradeId} was`} on the ledger.`, tradeId === undefined ? {} : { details: { tradeId } });
}

/**
 * Every charged query becomes a trade contract on the ledger (patent claim 7). The billing book
 * writes each trade to its outbox in the same SQL transaction as the charge; this recorder moves
 * them to the ledger, many per `RecordTrades` transaction. The contract answers a trade it
 * already holds with its first receipt, so after a crash whatever the outbox still calls pending
 * is simply sent again, and nothing is recorded twice.
 *
 * A batch the contract refuses is sent again in halves, down to single trades, so only the bad
 * trade is refused. While the ledger cannot be reached the recorder retries with back-off and
 * reports itself unhealthy, and the gateway stops charging (fail closed).
 */
export function createTradeRecorder(options: TradeRecorderOptions): TradeRecorder {
  const { ledger, outbox, logger } = options;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, MAX_TRADES_PER_CALL));
  const lingerMs = options.lingerMs ?? 5;
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  /** A poke arrived since the drain last asked the outbox. */
  let poked = false;
  let failing: Error | undefined;
  let backoffMs = FIRST_BACKOFF_MS;
  let wakeFromBackoff: (() => void) | undefined;
  const recent = new Map<string, Outcome>();
  const waiting = new Map<string, Set<(outcome: Outcome | undefined) => void>>();

  const settle = (tradeId: string, outcome: Outcome): void => {
    recent.set(tradeId, outcome);
    if (recent.size > RECENT_OUTCOMES) recent.delete(recent.keys().next().value as string);
    const listeners = waiting.get(tradeId);
    waiting.delete(tradeId);
    for (const listener of listeners ?? []) listener(outcome);
  };
  /** Calls `listener` with the trade's outcome, or with undefined if the recorder stops first; returns a canceller. */
  const onSettled = (tradeId: string, listener: (outcome: Outcome | undefined) => void): (() => void) => {
    const known = recent.get(tradeId);
    if (known) {
      listener(known);
      return () => {};
    }
    const listeners = waiting.get(tradeId) ?? new Set();
    listeners.add(listener);
    waiting.set(tradeId, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && waiting.get(tradeId) === listeners) waiting.delete(tradeId);
    };
  };

  const call = async (trades: readonly Trade[]): Promise<readonly TradeReceipt[]> => {
    await options.before?.();
    try {
      return (await ledger.recordTrades(trades)).receipts;
    } catch (error) {
      throw translateLedgerError(error, 'RecordTrades');
    }
  };

  /**
   * Records a batch. A batch the contract refuses is split in halves and each sent again, down to
   * the single trades it refuses. Throws when the ledger or the outbox failed.
   */
  const send = async (trades: readonly Trade[]): Promise<void> => {
    let receipts: readonly TradeReceipt[];
    try {
      receipts = await call(trades);
    } catch (error) {
      if (!(error instanceof GridmarkError) || error.code !== 'LEDGER_REJECTED') throw error;
      if (trades.length > 1) {
        // Halves, not single trades: one bad trade of 500 costs about 18 calls rather than 500.
        const half = Math.ceil(trades.length / 2);
        await send(trades.slice(0, half));
        await send(trades.slice(half));
        return;
      }
      const trade = trades[0] as Trade;
      const code = typeof error.details['contractCode'] === 'string' ? error.details['contractCode'] : error.code;
      const reason = typeof error.details['reason'] === 'string' ? error.details['reason'] : error.message;
      await outbox.refused(trade.tradeId, code, reason);
      logger.warn(`the ledger refused trade ${trade.tradeId}: [${code}] ${reason}`);
      settle(trade.tradeId, { kind: 'refused', error: new GridmarkError('LEDGER_REJECTED', error.message, { details: { ...error.details, tradeId: trade.tradeId }, cause: error }) });
      return;
    }
    await outbox.recorded(receipts);
    for (const receipt of receipts) settle(receipt.tradeId, { kind: 'recorded', receipt });
  };

  /** Trades of the batches on their way to the ledger, and those batches. */
  const sending = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  /** The first failure of a batch since the last pause. */
  let failure: Error | undefined;
  const launch = (trades: readonly Trade[]): void => {
    for (const t of trades) sending.add(t.tradeId);
    const sent: Promise<void> = send(trades)
      .then(
        () => {
          if (failing) logger.info('trades reach the ledger again');
          failing = undefined;
          backoffMs = FIRST_BACKOFF_MS;
        },
        (error: unknown) => {
          failure ??= error instanceof Error ? error : new Error(String(error));
        },
      )
      .finally(() => {
        for (const t of trades) sending.delete(t.tradeId);
        inFlight.delete(sent);
      });
    inFlight.add(sent);
  };
  const pause = async (): Promise<void> => {
    await Promise.all(inFlight);
    failing = failure;
    failure = undefined;
    if (phase !== 'running' || !failing) return;
    logger.error(`trades not recorded yet, retrying in ${backoffMs} ms: ${failing.message}`);
    await new Promise<void>((resolve) => {
      const backoff = setTimeout(resolve, backoffMs);
      wakeFromBackoff = () => {
        clearTimeout(backoff);
        resolve();
      };
    });
    wakeFromBackoff = undefined;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  };
  /*
   * Up to MAX_IN_FLIGHT batches travel at once, so that one is executed while the one before is
   * being made durable. A partial batch leaves only when nothing is in flight: while a batch
   * travels, new trades gather into the next one.
   */
  const drain = async (): Promise<void> => {
    while (phase === 'running' || (phase === 'stopping' && !failing)) {
      poked = false;
      let candidates: readonly Trade[];
      try {
        candidates = await outbox.pending(batchSize + sending.size);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        candidates = [];
      }
      const batch = candidates.filter((t) => !sending.has(t.tradeId)).slice(0, batchSize);
      if (batch.length === batchSize || (batch.length > 0 && inFlight.size === 0)) launch(batch);
      else if (inFlight.size === 0 && !failure && !poked) return;
      if (inFlight.size >= MAX_IN_FLIGHT || (batch.length < batchSize && inFlight.size > 0)) await Promise.race(inFlight);
      if (failure) await pause();
    }
    await Promise.all(inFlight);
  };
  const kick = (): Promise<void> => {
    poked = true;
    draining ??= drain().finally(() => {
      draining = undefined;
    });
    return draining;
  };

  return {
    poke() {
      if (phase !== 'running') return;
      if (draining) {
        poked = true;
        return;
      }
      timer ??= setTimeout(() => {
        timer = undefined;
        void kick();
      }, lingerMs);
    },
    receipt(tradeId, timeoutMs = DEFAULT_RECEIPT_TIMEOUT_MS) {
      return new Promise<TradeReceipt>((resolve, reject) => {
        if (phase === 'stopped' && !recent.has(tradeId)) {
          reject(stoppedError(tradeId));
          return;
        }
        const timeout = setTimeout(() => {
          cancel();
          reject(new GridmarkError('LEDGER_UNAVAILABLE', `Trade ${tradeId} is not on the ledger after ${timeoutMs} ms.`, { details: { tradeId } }));
        }, timeoutMs);
        const cancel = onSettled(tradeId, (outcome) => {
          clearTimeout(timeout);
          if (outcome?.kind === 'recorded') resolve(outcome.receipt);
          else if (outcome?.kind === 'refused') reject(outcome.error);
          else reject(stoppedError(tradeId));
        });
      });
    },
    async flush() {
      // All of it: a backlog is what flush is for, and trades are small.
      const pending = await outbox.pending(Number.MAX_SAFE_INTEGER);
      if (pending.length === 0) return;
      if (phase !== 'running') throw stoppedError();
      const settled = pending.map(
        (trade) =>
          new Promise<void>((resolve, reject) => {
            onSettled(trade.tradeId, (outcome) => (outcome ? resolve() : reject(stoppedError())));
          }),
      );
      if (phase === 'running') void kick();
      await Promise.all(settled);
    },
    healthy: () => failing === undefined,
    async stop() {
      if (phase !== 'running') return;
      phase = 'stopping';
      if (timer) clearTimeout(timer);
      timer = undefined;
      wakeFromBackoff?.();
      // One last attempt for what is pending, unless the ledger is failing: a ledger that is down does not hold the stop.
      await (failing ? draining : kick());
      phase = 'stopped';
      const left = [...waiting.values()];
      waiting.clear();
      for (const listeners of left) for (const listener of listeners) listener(undefined);
    },
  };
}
