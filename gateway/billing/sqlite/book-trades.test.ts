import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildReceipts,
  verifyTradeReceipt,
  type Trade,
  type TradeReceipt,
} from '../../../ledger-adapter/index.js';
import { tempDir } from '../../../ledger-adapter/testing/index.js';
import { APP, fundedBook as funded, hexId as id, sampleTrade as trade } from './sample-book.js';

describe("the billing book's trades on the ledger, and its reads", () => {
  it('marks trades recorded, or refused and refunded by a compensating entry; they stop being pending', async () => {
    const store = await funded(100);
    for (const n of [1, 2]) {
      await store.hold({ holdId: id(n), accountId: APP, amountFen: 10 });
      await store.charge(id(n), trade(id(n), { a: 1, b: 1, platform: 1 }), 'test');
    }
    await store.recorded([
      { tradeId: id(1), txId: 'tx', leafHash: 'l', merkleRoot: 'm', proof: [] },
    ]);
    expect(await store.refund(id(2), 'INVALID_ARGUMENT', 'bad')).toBe(true);
    expect(await store.refund(id(2), 'INVALID_ARGUMENT', 'bad')).toBe(false);
    expect(await store.refund(id(1), 'INVALID_ARGUMENT', 'bad')).toBe(false);
    expect(await store.pendingTrades(10)).toEqual([]);
    expect(await store.getTrade(id(1))).toMatchObject({
      status: 'RECORDED',
      receipt: { txId: 'tx' },
    });
    expect(await store.getTrade(id(2))).toMatchObject({
      status: 'REFUSED',
      refusal: 'INVALID_ARGUMENT: bad',
    });
    // The refused trade is paid back once, by a REFUND entry the statement shows: the application paid only for the recorded one.
    expect(await store.getAccount(APP)).toMatchObject({ balanceFen: 97 });
    const statement = await store.statement(
      APP,
      '1970-01-01T00:00:00.000Z',
      new Date(Date.now() + 1_000).toISOString(),
    );
    expect(statement.lines.filter((l) => l.kind === 'REFUND')).toEqual([
      expect.objectContaining({ reference: id(2), amountFen: 3 }),
    ]);
    expect((await store.getAccount('PLATFORM'))?.balanceFen).toBe(1);
    const page = await store.tradePage({
      from: '1970-01-01T00:00:00.000Z',
      to: new Date(Date.now() + 1_000).toISOString(),
      afterEntryId: 0,
      limit: 10,
    });
    expect(page.map((t) => [t.trade.tradeId, t.status, t.refundEntryId !== null])).toEqual([
      [id(1), 'RECORDED', false],
      [id(2), 'REFUSED', true],
    ]);
    expect(await store.check()).toEqual({
      sumOfBalancesFen: 0,
      unbalancedEntries: [],
      driftedAccounts: [],
      heldMismatches: [],
    });
  });

  it("keeps a ledger transaction's receipts as its batch and gives each back as the ledger gave it", async () => {
    const tmp = tempDir('gridmark-book-');
    const path = join(tmp.dir, 'billing.db');
    const store = await funded(1_000, path);
    const charged: Trade[] = [];
    for (let n = 1; n <= 8; n++) {
      await store.hold({ holdId: id(n), accountId: APP, amountFen: 10 });
      charged.push(
        (await store.charge(id(n), trade(id(n), { a: 1, b: n, platform: 1 }), 'test')).trade,
      );
    }
    // Trades 1-5 are one transaction of the ledger; 6 and 7 are two of a transaction of three (the
    // third trade is not in this book); 8 has a receipt the book cannot rebuild.
    const whole = buildReceipts(charged.slice(0, 5), 'c1'.repeat(32)).receipts;
    const partial = buildReceipts(
      [...charged.slice(5, 7), { ...(charged[0] as Trade), tradeId: 'elsewhere' }],
      'c2'.repeat(32),
    ).receipts.slice(0, 2);
    const odd: TradeReceipt = {
      tradeId: id(8),
      txId: 'tx',
      leafHash: 'l',
      merkleRoot: 'm',
      proof: [],
    };
    await store.recorded([
      whole[3],
      partial[1],
      whole[0],
      odd,
      whole[4],
      whole[1],
      partial[0],
      whole[2],
    ] as TradeReceipt[]);
    const given = [...whole, ...partial, odd];
    for (const [i, receipt] of given.entries()) {
      const record = await store.getTrade(id(i + 1));
      expect(record).toMatchObject({ status: 'RECORDED', receipt, trade: charged[i] });
      if (i < 7)
        expect(record?.receipt && verifyTradeReceipt(record.trade, record.receipt)).toBe(true);
    }
    const page = await store.tradePage({
      from: '1970-01-01T00:00:00.000Z',
      to: new Date(Date.now() + 1_000).toISOString(),
      afterEntryId: 0,
      limit: 10,
    });
    expect(page.map((t) => t.receipt)).toEqual(given);
    expect((await store.listTrades({ limit: 10 })).map((t) => t.receipt)).toEqual(
      [...given].reverse(),
    );
    expect(await store.pendingTrades(10)).toEqual([]);
    await store.close();
    // The whole transaction is one row of leaves; the receipts of the others are kept as given.
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM receipt_batches').get()).toEqual({ n: 1 });
    expect(
      db.prepare('SELECT trade_id FROM trades WHERE receipt IS NOT NULL ORDER BY entry_id').all(),
    ).toEqual([id(6), id(7), id(8)].map((trade_id) => ({ trade_id })));
    db.close();
    tmp.remove();
  });

  it("lists a party's trades, a payee paid 0 fen and the application of a free trade too", async () => {
    const store = await funded(100);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 10 });
    await store.charge(id(1), trade(id(1), { a: 3, b: 0, platform: 1 }), 'test');
    await store.hold({ holdId: id(2), accountId: APP, amountFen: 0 });
    await store.charge(id(2), trade(id(2), { a: 0, b: 0, platform: 0 }), 'free');
    expect(
      (await store.listTrades({ systemCode: '88.1001.2', limit: 10 })).map((t) => t.trade.tradeId),
    ).toEqual([id(2), id(1)]);
    expect(
      (await store.listTrades({ systemCode: '88.1001.1', limit: 10 })).map((t) => t.trade.tradeId),
    ).toEqual([id(2), id(1)]);
    expect(
      (await store.listTrades({ applicationId: APP, limit: 10 })).map((t) => t.trade.tradeId),
    ).toEqual([id(2), id(1)]);
    // A filter names a party of its kind only: no application is paid, no system pays.
    expect(await store.listTrades({ applicationId: '88.1001.1', limit: 10 })).toEqual([]);
    expect(await store.listTrades({ systemCode: APP, limit: 10 })).toEqual([]);
    expect(await store.tradedWith(APP, '88.1001.2')).toBe(true);
    expect((await store.getAccount(APP))?.balanceFen).toBe(96);
  });

  it("shows each charge with its trade's id and memo in statements and the journal", async () => {
    const store = await funded(100);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 10 });
    await store.charge(
      id(1),
      trade(id(1), { a: 2, b: 1, platform: 1 }),
      'monitoring: 1 device(s), 2 value(s)',
    );
    await store.hold({ holdId: id(2), accountId: APP, amountFen: 10 });
    await store.charge(
      id(2),
      trade(id(2), { a: 2, b: 1, platform: 1 }),
      'monitoring: 1 device(s), 2 value(s)',
    );
    const until = new Date(Date.now() + 1_000).toISOString();
    const statement = await store.statement(APP, '1970-01-01T00:00:00.000Z', until);
    expect(statement.lines.map((l) => [l.kind, l.reference, l.amountFen, l.memo])).toEqual([
      ['TOP_UP', 'BANK-1', 100, 'test'],
      ['CHARGE', id(1), -4, 'monitoring: 1 device(s), 2 value(s)'],
      ['CHARGE', id(2), -4, 'monitoring: 1 device(s), 2 value(s)'],
    ]);
    const journal = await store.journal('1970-01-01T00:00:00.000Z', until);
    expect(
      journal
        .filter((r) => r.kind === 'CHARGE')
        .map((r) => [r.reference, r.accountId, r.amountFen]),
    ).toEqual([
      [id(1), '88.1001.1', 2],
      [id(1), '88.1001.2', 1],
      [id(1), APP, -4],
      [id(1), 'PLATFORM', 1],
      [id(2), '88.1001.1', 2],
      [id(2), '88.1001.2', 1],
      [id(2), APP, -4],
      [id(2), 'PLATFORM', 1],
    ]);
    // A trade id used again is refused, as before: the first charge stands alone.
    await store.hold({ holdId: id(3), accountId: APP, amountFen: 10 });
    await expect(
      store.charge(id(3), trade(id(1), { a: 2, b: 1, platform: 1 }), 'again'),
    ).rejects.toThrow(/UNIQUE/);
    expect(await store.check()).toEqual({
      sumOfBalancesFen: 0,
      unbalancedEntries: [],
      driftedAccounts: [],
      heldMismatches: [],
    });
    expect((await store.getAccount(APP))?.balanceFen).toBe(92);
  });
});
