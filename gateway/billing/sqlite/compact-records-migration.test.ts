import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildReceipts,
  verifyTradeReceipt,
  type TradeReceipt,
} from '../../../ledger-adapter/index.js';
import { tempDir } from '../../../ledger-adapter/testing/index.js';
import { applySqliteMigrations } from '../../storage/index.js';
import { BILLING_MIGRATIONS } from './billing-migrations.js';
import { openSqliteBillingStore } from './sqlite-billing-store.js';
import { VersionThreeBook } from './version-three-book.js';
import { readVersionThree, tradeOf, writeVersionThreeBook } from './version-three-sample.js';

const BEGINNING = '1970-01-01T00:00:00.000Z';
const END = '2100-01-01T00:00:00.000Z';
const id = (n: number): string => n.toString(16).padStart(64, '0');

let dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const dir of dirs) dir.remove();
  dirs = [];
});
function bookPath(): string {
  const tmp = tempDir('gridmark-book-v4-');
  dirs.push(tmp);
  return join(tmp.dir, 'billing.db');
}

describe('compact records (billing book version 4)', () => {
  it('migrates a version 3 book with every trade, entry, posting, balance and settlement intact', async () => {
    const path = bookPath();
    const written = writeVersionThreeBook(path);
    const before = readVersionThree(path);
    const store = openSqliteBillingStore({ path });
    try {
      for (const old of before.trades) {
        expect(await store.getTrade(old.trade.tradeId)).toEqual({
          trade: old.trade,
          status: old.status,
          receipt: old.receipt,
          refusal: old.refusal,
        });
      }
      const page = await store.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 });
      expect(page).toEqual(before.trades);
      expect(
        page
          .filter((t) => t.receipt && /^[0-9a-f]{64}$/.test(t.receipt.txId))
          .every((t) => t.receipt && verifyTradeReceipt(t.trade, t.receipt)),
      ).toBe(true);
      expect(await store.pendingTrades(100)).toEqual(
        before.trades.filter((t) => t.status === 'PENDING').map((t) => t.trade),
      );
      expect(await store.journal(BEGINNING, END)).toEqual(before.journal);
      for (const a of before.accounts) {
        const accountId = String(a['account_id']);
        expect(await store.getAccount(accountId)).toMatchObject({
          kind: a['kind'],
          balanceFen: a['balance_fen'],
          creditLimitFen: a['credit_limit_fen'],
          createdAt: a['created_at'],
        });
        const statement = await store.statement(accountId, BEGINNING, END);
        expect(
          statement.lines.map((l) => ({
            entryId: l.entryId,
            at: l.at,
            kind: l.kind,
            reference: l.reference,
            amountFen: l.amountFen,
            memo: l.memo,
          })),
        ).toEqual(before.statements[accountId]);
        expect(statement.closingFen).toBe(a['balance_fen']);
      }
      for (const [systemCode, tradeIds] of Object.entries(before.bySystem))
        expect(
          (await store.listTrades({ systemCode, limit: 100 })).map((t) => t.trade.tradeId),
        ).toEqual(tradeIds);
      for (const [applicationId, tradeIds] of Object.entries(before.byApplication))
        expect(
          (await store.listTrades({ applicationId, limit: 100 })).map((t) => t.trade.tradeId),
        ).toEqual(tradeIds);
      for (const p of before.payees)
        expect(await store.tradedWith(String(p['application_id']), String(p['system_code']))).toBe(
          true,
        );
      expect(await store.tradedWith('APP-0002', '88.1001.9')).toBe(false);
      expect((await store.settlements()).map((s) => s.payouts)).toEqual(
        before.settlements.map((s) => JSON.parse(String(s['payouts'])) as unknown),
      );
      expect(await store.check()).toEqual({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
        driftedAccounts: [],
        heldMismatches: [],
      });
      expect(before.trades).toHaveLength(written.trades.length);
    } finally {
      await store.close();
    }
    // The trades moved into the shared forms, except those that would not read back as they were.
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 });
      expect(
        db
          .prepare(
            "SELECT name FROM sqlite_master WHERE name IN ('trade_payees', 'trades_to_compact')",
          )
          .all(),
      ).toEqual([]);
      expect(db.prepare('SELECT trade_id FROM trades WHERE body IS NOT NULL').all()).toEqual(
        written.whole.map((trade_id) => ({ trade_id })),
      );
      expect(
        db.prepare('SELECT trade_id FROM trades WHERE receipt IS NOT NULL ORDER BY entry_id').all(),
      ).toEqual(written.receiptsWhole.map((trade_id) => ({ trade_id })));
      expect(db.prepare('SELECT COUNT(*) AS n FROM receipt_batches').get()).toEqual({ n: 3 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM trade_bodies').get()).toEqual({
        n: written.trades.length - written.whole.length,
      });
    } finally {
      db.close();
    }
  });

  it('goes on charging, recording and refunding after the migration, and opens again unchanged', async () => {
    const path = bookPath();
    writeVersionThreeBook(path);
    const store = openSqliteBillingStore({ path });
    await store.hold({ holdId: id(100), accountId: 'APP-0001', amountFen: 20 });
    const { trade } = await store.charge(
      id(100),
      tradeOf(new Date().toISOString(), id(100), 'APP-0001', { a: 5, b: 5, platform: 2 }),
      'after',
    );
    await store.hold({ holdId: id(101), accountId: 'APP-0001', amountFen: 20 });
    const { trade: refused } = await store.charge(
      id(101),
      tradeOf(new Date().toISOString(), id(101), 'APP-0001', { a: 1, b: 1, platform: 1 }),
      'after',
    );
    const [receipt] = buildReceipts([trade], 'c9'.repeat(32)).receipts;
    await store.recorded([receipt as TradeReceipt]);
    expect(await store.refund(id(101), 'NOT_FOUND', 'test')).toBe(true);
    const journal = await store.journal(BEGINNING, END);
    const trades = await store.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 });
    await store.close();
    const again = openSqliteBillingStore({ path });
    try {
      expect(await again.getTrade(id(100))).toEqual({
        trade,
        status: 'RECORDED',
        receipt,
        refusal: null,
      });
      expect(await again.getTrade(id(101))).toMatchObject({ trade: refused, status: 'REFUSED' });
      expect(await again.journal(BEGINNING, END)).toEqual(journal);
      expect(
        await again.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 }),
      ).toEqual(trades);
      expect(await again.check()).toEqual({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
        driftedAccounts: [],
        heldMismatches: [],
      });
    } finally {
      await again.close();
    }
  });

  it('moves trades into the shared forms at the next open when the migration ran without the store', async () => {
    const path = bookPath();
    const written = writeVersionThreeBook(path);
    const before = readVersionThree(path);
    const db = new Database(path);
    db.pragma('foreign_keys = ON');
    applySqliteMigrations(db, BILLING_MIGRATIONS);
    // Copied whole, and queued.
    expect(db.prepare('SELECT COUNT(*) AS n FROM trades WHERE body IS NOT NULL').get()).toEqual({
      n: written.trades.length,
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM trades_to_compact').get()).toEqual({
      n: written.trades.length,
    });
    db.close();
    const store = openSqliteBillingStore({ path });
    try {
      expect(
        await store.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 }),
      ).toEqual(before.trades);
    } finally {
      await store.close();
    }
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT COUNT(*) AS n FROM trades WHERE body IS NOT NULL').get()).toEqual({
      n: written.whole.length,
    });
    after.close();
  });

  it('gives back the pages that the copied trades filled', async () => {
    const path = bookPath();
    const book = new VersionThreeBook(path);
    for (const [account, kind] of [
      ['APP-0001', 'APPLICATION'],
      ['88.1001.1', 'SYSTEM'],
      ['88.1001.2', 'SYSTEM'],
      ['PLATFORM', 'PLATFORM'],
      ['EXTERNAL', 'EXTERNAL'],
    ])
      book.open(account as string, kind as string);
    book.post('TOP_UP', 'BANK-1', 'payment', [
      ['EXTERNAL', -1_000_000],
      ['APP-0001', 1_000_000],
    ]);
    const trades = Array.from({ length: 400 }, (_, i) =>
      tradeOf(book.at(), id(i + 1), 'APP-0001', { a: 3, b: 2 + (i % 7), platform: 1 }),
    );
    book.db.transaction(() => {
      for (const t of trades) book.charge(t, 'memo');
      for (let i = 0; i < trades.length; i += 50)
        book.record(buildReceipts(trades.slice(i, i + 50), id(10_000 + i)).receipts);
    })();
    book.close();
    const bytesOfTrades = (): number => {
      const db = new Database(path, { readonly: true });
      try {
        return (
          db.prepare("SELECT SUM(pgsize) AS b FROM dbstat WHERE name = 'trades'").get() as {
            b: number;
          }
        ).b;
      } finally {
        db.close();
      }
    };
    const before = bytesOfTrades();
    await openSqliteBillingStore({ path }).close();
    // Each trade's row is about 100 bytes once its body and receipt are shared (over 1 KB before).
    expect(before / trades.length).toBeGreaterThan(1_000);
    expect(bytesOfTrades() / trades.length).toBeLessThan(200);
  });

  it('refuses to migrate a book whose copy would differ, and leaves it as it was', () => {
    const path = bookPath();
    writeVersionThreeBook(path);
    const db = new Database(path);
    // A payee row that its trade's body does not name.
    db.prepare(
      "UPDATE trade_payees SET amount_fen = amount_fen + 1 WHERE trade_id = ? AND system_code = '88.1001.1'",
    ).run(id(3));
    db.close();
    expect(() => openSqliteBillingStore({ path })).toThrow(/each trade's payees are its body's/);
    const kept = new Database(path, { readonly: true });
    try {
      expect(kept.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
        v: 3,
      });
      expect(kept.prepare('SELECT COUNT(*) AS n FROM trade_payees').get()).toEqual({ n: 31 });
    } finally {
      kept.close();
    }
  });
});
