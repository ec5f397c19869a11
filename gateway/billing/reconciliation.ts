import { sameTrade, verifyTradeReceipt, type LedgerAdapter } from '../../ledger-adapter/index.js';
import type { BillingStore } from './billing-store.js';
import type { TradeRecord } from './billing-types.js';

/** How a period's trades stand against the ledger: every trade of the period, walked page by page. */
export interface Reconciliation {
  readonly from: string;
  readonly to: string;
  readonly trades: number;
  readonly amountFen: number;
  readonly recorded: number;
  /** Trades not on the ledger yet: they cannot be checked. */
  readonly pending: number;
  /** Trades the ledger refused; each should have been paid back by a REFUND entry. */
  readonly refused: number;
  /** Refused trades paid back by a REFUND entry. */
  readonly refunded: number;
  /** Recorded trades whose ledger copy and receipt were re-read and matched. */
  readonly matched: number;
  /** Trades that could not be checked: pending ones. */
  readonly unchecked: number;
  /**
   * Every trade that does not reconcile, with why: not on the ledger, different content, a receipt
   * that does not prove inclusion, refused (and whether it was refunded), pending.
   */
  readonly mismatched: readonly { readonly tradeId: string; readonly problem: string }[];
}

/** Trades per page of a reconciliation's walk through a period. */
const RECONCILE_PAGE = 1_000;
/** How many problems a reconciliation lists (it counts them all). */
const MAX_LISTED_PROBLEMS = 1_000;

/**
 * Walks every trade of a period, a page at a time: a recorded trade is re-read from the ledger
 * and must match the book and its receipt; a refused or pending one does not reconcile.
 */
export async function reconcilePeriod(
  store: BillingStore,
  ledger: Pick<LedgerAdapter, 'getTrade'>,
  { from, to }: { from: string; to: string },
): Promise<Reconciliation> {
  const counts = {
    trades: 0,
    amountFen: 0,
    recorded: 0,
    pending: 0,
    refused: 0,
    refunded: 0,
    matched: 0,
  };
  const mismatched: { tradeId: string; problem: string }[] = [];
  const problem = (tradeId: string, why: string): void => {
    if (mismatched.length < MAX_LISTED_PROBLEMS) mismatched.push({ tradeId, problem: why });
  };
  let problems = 0;
  for (let after = 0; ;) {
    const page = await store.tradePage({ from, to, afterEntryId: after, limit: RECONCILE_PAGE });
    for (const record of page) {
      counts.trades++;
      counts.amountFen += record.trade.amountFen;
      const why = await checkTrade(ledger, record);
      if (record.status === 'RECORDED') counts.recorded++;
      else if (record.status === 'PENDING') counts.pending++;
      else {
        counts.refused++;
        if (record.refundEntryId !== null) counts.refunded++;
      }
      if (why === undefined) counts.matched++;
      else {
        problems++;
        problem(record.trade.tradeId, why);
      }
    }
    if (page.length < RECONCILE_PAGE) break;
    after = (page.at(-1) as { entryId: number }).entryId;
  }
  if (problems > mismatched.length)
    mismatched.push({ tradeId: '', problem: `and ${problems - mismatched.length} more` });
  return { from, to, ...counts, unchecked: counts.pending, mismatched };
}

/** Why a trade does not reconcile, or undefined when it does. */
async function checkTrade(
  ledger: Pick<LedgerAdapter, 'getTrade'>,
  record: TradeRecord & { readonly refundEntryId: number | null },
): Promise<string | undefined> {
  if (record.status === 'PENDING') return 'not on the ledger yet (pending): unchecked';
  if (record.status === 'REFUSED')
    return record.refundEntryId === null
      ? `refused by the ledger (${record.refusal ?? 'no reason'}) and NOT refunded`
      : `refused by the ledger (${record.refusal ?? 'no reason'}); refunded by journal entry ${record.refundEntryId}`;
  const onLedger = await ledger.getTrade(record.trade.tradeId);
  if (!onLedger) return 'not on the ledger';
  if (!sameTrade(onLedger.trade, record.trade)) return 'the ledger holds different content';
  if (
    !record.receipt ||
    !verifyTradeReceipt(record.trade, record.receipt) ||
    record.receipt.merkleRoot !== onLedger.receipt.merkleRoot
  )
    return 'the receipt does not prove inclusion';
  return undefined;
}
