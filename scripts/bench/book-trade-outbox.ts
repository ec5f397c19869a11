import type { BillingStore } from '../../gateway/billing/billing-store.js';
import type { FillableTradeOutbox } from './memory-trade-outbox.js';

/**
 * The billing book as the trade benchmark's outbox: adding a trade charges it as a query would be
 * charged (a hold, then the charge that writes the journal entry and queues the trade, two SQLite
 * transactions), so the figure includes the book's share of every trade.
 */
export function bookTradeOutbox(book: BillingStore): FillableTradeOutbox {
  return {
    async add(trades) {
      // The book dates each trade itself, as it does a query's.
      for (const trade of trades) {
        await book.hold({ holdId: trade.tradeId, accountId: trade.applicationId, amountFen: trade.amountFen });
        await book.charge(trade.tradeId, trade, 'benchmark');
      }
    },
    backlog: () => book.pendingCount(),
    pending: (limit) => book.pending(limit),
    recorded: (receipts) => book.recorded(receipts),
    refused: (tradeId, code, message) => book.refused(tradeId, code, message),
  };
}
