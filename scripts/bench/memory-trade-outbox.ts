import type { TradeOutbox } from '../../gateway/billing/trade-recorder.js';
import type { Trade, TradeReceipt } from '../../ledger-adapter/contract/records.js';

/** A trade outbox the trade benchmark can fill: the billing book adds trades as it charges queries. */
export interface FillableTradeOutbox extends TradeOutbox {
  /** Adds new trades, pending from now on. */
  add(trades: readonly Trade[]): Promise<void>;
  /** How many trades are pending. */
  backlog(): Promise<number>;
}

/**
 * A trade outbox in memory, oldest first: what the benchmark uses where the billing book would keep
 * its durable outbox. `pending` costs the trades it returns, not the outbox's size.
 */
export function createMemoryTradeOutbox(): FillableTradeOutbox & { readonly receipts: ReadonlyMap<string, TradeReceipt>; readonly refusals: ReadonlyMap<string, string> } {
  const queue: Trade[] = [];
  let head = 0;
  const pending = new Set<string>();
  const receipts = new Map<string, TradeReceipt>();
  const refusals = new Map<string, string>();
  const settle = (tradeId: string): void => {
    pending.delete(tradeId);
    // Drop settled trades off the front, so that `pending` starts at the oldest one still pending.
    while (head < queue.length && !pending.has((queue[head] as Trade).tradeId)) head++;
    if (head > 65_536) {
      queue.splice(0, head);
      head = 0;
    }
  };
  return {
    receipts,
    refusals,
    add(trades) {
      for (const trade of trades) {
        queue.push(trade);
        pending.add(trade.tradeId);
      }
      return Promise.resolve();
    },
    backlog: () => Promise.resolve(pending.size),
    pending(limit) {
      const found: Trade[] = [];
      for (let i = head; i < queue.length && found.length < limit; i++) {
        const trade = queue[i] as Trade;
        if (pending.has(trade.tradeId)) found.push(trade);
      }
      return Promise.resolve(found);
    },
    recorded(list) {
      for (const receipt of list) {
        receipts.set(receipt.tradeId, receipt);
        settle(receipt.tradeId);
      }
      return Promise.resolve();
    },
    refused(tradeId, code, message) {
      refusals.set(tradeId, `${code}: ${message}`);
      settle(tradeId);
      return Promise.resolve();
    },
  };
}
