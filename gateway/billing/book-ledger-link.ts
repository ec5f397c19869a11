import type { LedgerOutbox, SettledRecord } from '../../ledger-adapter/index.js';
import type { Logger } from '../../schema/index.js';
import type { BillingStore } from './billing-store.js';

/** The book listening to the ledger outbox for its trades. */
export interface BookLedgerLink {
  /** Trades found PENDING in the book that were not waiting in the outbox, appended now. */
  readonly offered: number;
  /** Stops listening (the trades that still wait settle in the book at the next link). */
  disconnect(): void;
}

/**
 * Links the billing book to the ledger outbox: each trade the outbox settles is written into the
 * book (RECORDED with its receipt, or REFUSED and paid back by a REFUND entry) before it leaves
 * the outbox, and every trade the book still holds as PENDING is offered to the outbox again.
 * A process that died between a charge and its append left such a trade; the outbox ignores one
 * that already waits, and the ledger answers one it holds with its first receipt, so nothing is
 * recorded twice.
 */
export async function linkBookToLedger(
  store: BillingStore,
  outbox: LedgerOutbox,
  logger: Logger,
): Promise<BookLedgerLink> {
  const disconnect = outbox.onSettled('trade', (settled) => settleTrades(store, logger, settled));
  const pending = await store.pendingTrades(Number.MAX_SAFE_INTEGER);
  const offered = outbox.appendAll(
    pending.map((trade) => ({ kind: 'trade' as const, body: trade })),
  );
  if (offered > 0)
    logger.warn(
      `${offered} charged trade(s) were not in the ledger outbox (the process stopped after charging them): sent now`,
    );
  return { offered, disconnect };
}

/** Writes the ledger's outcome of trades into the book: receipts of recorded ones, refunds of refused ones. */
async function settleTrades(
  store: BillingStore,
  logger: Logger,
  settled: readonly SettledRecord[],
): Promise<void> {
  const receipts = settled.flatMap((s) =>
    s.outcome.status === 'recorded' && s.outcome.receipt ? [s.outcome.receipt] : [],
  );
  if (receipts.length > 0) await store.recorded(receipts);
  for (const s of settled) {
    if (s.outcome.status !== 'refused' || s.stored.record.kind !== 'trade') continue;
    const { tradeId } = s.stored.record.body;
    if (await store.refund(tradeId, s.outcome.code, s.outcome.reason))
      logger.warn(
        `the ledger refused trade ${tradeId} [${s.outcome.code}]: its charge is paid back`,
      );
  }
}
