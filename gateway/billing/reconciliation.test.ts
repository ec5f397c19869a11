import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, openLedgerOutbox, type LedgerAdapter } from '../../ledger-adapter/index.js';
import { tempDir, openTradeMarket } from '../../ledger-adapter/testing/index.js';
import { silentLogger } from '../../schema/index.js';
import type { BillingStore } from './billing-store.js';
import { linkBookToLedger } from './book-ledger-link.js';
import { reconcilePeriod } from './reconciliation.js';
import { openSqliteBillingStore } from './sqlite/sqlite-billing-store.js';

/** More trades than one page of the walk holds, so that a reconciliation must page through them. */
const TRADES = 1_203;
const tmp = tempDir('gridmark-reconcile-');
const bookPath = join(tmp.dir, 'billing.db');
let ledger: LedgerAdapter;
let book: BillingStore;
const period = () => ({
  from: '1970-01-01T00:00:00.000Z',
  to: new Date(Date.now() + 60_000).toISOString(),
});

beforeAll(async () => {
  ledger = await createLedger({ kind: 'embedded', path: join(tmp.dir, 'ledger.db') });
  const market = await openTradeMarket(ledger, { tag: 31, resolutions: 40 });
  book = openSqliteBillingStore({ path: bookPath });
  const outbox = openLedgerOutbox({
    ledger,
    path: join(tmp.dir, 'outbox.db'),
    logger: silentLogger,
  });
  const link = await linkBookToLedger(book, outbox, silentLogger);
  await book.openAccount(market.applicationId, 'APPLICATION');
  await book.topUp({
    accountId: market.applicationId,
    amountFen: 1e12,
    paymentReference: 'PAY-1',
    memo: 'test',
  });
  for (let i = 0; i < TRADES; i++) {
    const trade = market.trade(`T-${i}`, market.resolutionIds[i % 40] as string);
    await book.hold({
      holdId: trade.tradeId,
      accountId: trade.applicationId,
      amountFen: trade.amountFen,
    });
    const charged = await book.charge(trade.tradeId, trade, 'test');
    void outbox.append({ kind: 'trade', body: charged.trade }).catch(() => undefined);
  }
  await outbox.flush(60_000);
  link.disconnect();
  await outbox.close();
}, 120_000);

afterAll(async () => {
  await book.close();
  await ledger.close();
  tmp.remove();
});

/** Changes the book's file behind its back, as someone with access to it could. */
function tamper(sql: string, ...args: unknown[]): void {
  const db = new Database(bookPath);
  try {
    db.prepare(sql).run(...args);
  } finally {
    db.close();
  }
}

describe('reconciliation', () => {
  it('walks every trade of the period, past the first page, and matches each with the ledger', async () => {
    const r = await reconcilePeriod(book, ledger, period());
    expect(r).toMatchObject({
      trades: TRADES,
      recorded: TRADES,
      matched: TRADES,
      pending: 0,
      refused: 0,
      unchecked: 0,
      mismatched: [],
    });
  });

  it('does not reconcile a trade refused by the ledger that was not paid back, nor a pending one', async () => {
    tamper(
      "UPDATE trades SET status = 'REFUSED', refusal = 'NOT_FOUND: test' WHERE trade_id = ?",
      'T-1100',
    );
    tamper("UPDATE trades SET status = 'PENDING', receipt = NULL WHERE trade_id = ?", 'T-1201');
    const r = await reconcilePeriod(book, ledger, period());
    expect(r).toMatchObject({
      trades: TRADES,
      matched: TRADES - 2,
      refused: 1,
      refunded: 0,
      pending: 1,
      unchecked: 1,
    });
    expect(r.mismatched).toEqual([
      { tradeId: 'T-1100', problem: expect.stringContaining('NOT refunded') as unknown },
      { tradeId: 'T-1201', problem: expect.stringContaining('pending') as unknown },
    ]);
  });

  it('still lists a refused trade once its charge is paid back, saying by which entry', async () => {
    tamper("UPDATE trades SET status = 'PENDING' WHERE trade_id = ?", 'T-1100');
    expect(await book.refund('T-1100', 'NOT_FOUND', 'test')).toBe(true);
    const r = await reconcilePeriod(book, ledger, period());
    expect(r).toMatchObject({ refused: 1, refunded: 1 });
    expect(r.mismatched.find((m) => m.tradeId === 'T-1100')?.problem).toMatch(
      /refunded by journal entry \d+/,
    );
    expect(await book.check()).toMatchObject({ sumOfBalancesFen: 0, unbalancedEntries: [] });
  });
});
