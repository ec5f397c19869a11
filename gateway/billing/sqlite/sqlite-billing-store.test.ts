import { describe, expect, it } from 'vitest';
import { BookConflict } from '../billing-store.js';
import { APP, fundedBook as funded, hexId as id, sampleTrade as trade } from './sample-book.js';
import { openSqliteBillingStore } from './sqlite-billing-store.js';

describe('the billing book (SQLite)', () => {
  it('credits a payment once: a replayed reference is refused and changes nothing', async () => {
    const store = await funded(1_000);
    await expect(
      store.topUp({ accountId: APP, amountFen: 1_000, paymentReference: 'BANK-1', memo: 'again' }),
    ).rejects.toMatchObject({ reason: 'DUPLICATE_PAYMENT' });
    expect((await store.getAccount(APP))?.balanceFen).toBe(1_000);
    expect((await store.getAccount('EXTERNAL'))?.balanceFen).toBe(-1_000);
    await expect(
      store.topUp({ accountId: 'APP-0404', amountFen: 5, paymentReference: 'BANK-2', memo: '' }),
    ).rejects.toMatchObject({ reason: 'UNKNOWN_ACCOUNT' });
  });

  it('holds what a query may cost and refuses a hold beyond balance and credit limit', async () => {
    const store = await funded(100);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 60 });
    await expect(
      store.hold({ holdId: id(2), accountId: APP, amountFen: 41 }),
    ).rejects.toBeInstanceOf(BookConflict);
    await expect(
      store.hold({ holdId: id(2), accountId: APP, amountFen: 41 }),
    ).rejects.toMatchObject({ reason: 'PAYMENT_REQUIRED' });
    await store.setCreditLimit(APP, 1);
    const account = await store.hold({ holdId: id(3), accountId: APP, amountFen: 41 });
    expect(account).toMatchObject({
      balanceFen: 100,
      heldFen: 101,
      creditLimitFen: 1,
      availableFen: 0,
    });
    // Lowering the limit below what is held is refused.
    await expect(store.setCreditLimit(APP, 0)).rejects.toMatchObject({ reason: 'INVALID_STATE' });
  });

  it('turns a hold into a balanced charge, once; the trade waits in the outbox', async () => {
    const store = await funded(100);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 50 });
    const { account } = await store.charge(
      id(1),
      trade(id(1), { a: 20, b: 15, platform: 5 }),
      'test',
    );
    expect(account).toMatchObject({ balanceFen: 60, heldFen: 0, availableFen: 60 });
    expect((await store.getAccount('88.1001.1'))?.balanceFen).toBe(20);
    expect((await store.getAccount('88.1001.2'))?.balanceFen).toBe(15);
    expect((await store.getAccount('PLATFORM'))?.balanceFen).toBe(5);
    await expect(
      store.charge(id(1), trade(id(1), { a: 20, b: 15, platform: 5 }), 'test'),
    ).rejects.toMatchObject({ reason: 'INVALID_STATE' });
    expect((await store.pendingTrades(10)).map((t) => t.tradeId)).toEqual([id(1)]);
    expect(await store.tradedWith(APP, '88.1001.2')).toBe(true);
    expect(await store.tradedWith(APP, '88.1001.9')).toBe(false);
    expect(await store.check()).toEqual({
      sumOfBalancesFen: 0,
      unbalancedEntries: [],
      driftedAccounts: [],
      heldMismatches: [],
    });
  });

  it('never charges more than was held, and leaves nothing written when it refuses', async () => {
    const store = await funded(100);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 10 });
    await expect(
      store.charge(id(1), trade(id(1), { a: 20, b: 15, platform: 5 }), 'test'),
    ).rejects.toMatchObject({ reason: 'INVALID_STATE' });
    // The refused charge spent its hold: the query releases no data and pays nothing.
    expect(await store.getAccount(APP)).toMatchObject({ balanceFen: 100, heldFen: 0 });
    expect(await store.pendingTrades(10)).toEqual([]);
    expect(await store.getAccount('88.1001.1')).toBeUndefined();
  });

  it('releases holds of queries cut off before their charge', async () => {
    const store = await funded(100);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 30 });
    await store.hold({ holdId: id(2), accountId: APP, amountFen: 30 });
    await store.release(id(1));
    await store.release(id(1));
    expect((await store.getAccount(APP))?.heldFen).toBe(30);
    expect(await store.releaseAllHolds()).toBe(1);
    expect(await store.getAccount(APP)).toMatchObject({ heldFen: 0, availableFen: 100 });
  });

  it('charges each registration fee once', async () => {
    const store = openSqliteBillingStore({ path: ':memory:' });
    expect(await store.chargeRegistrationFee('88.1001.1', 500)).toBe(true);
    expect(await store.chargeRegistrationFee('88.1001.1', 500)).toBe(false);
    expect((await store.getAccount('88.1001.1'))?.balanceFen).toBe(-500);
    expect((await store.getAccount('PLATFORM'))?.balanceFen).toBe(500);
  });

  it('states an account over a period with opening and closing balances', async () => {
    let clock = Date.parse('2026-12-01T00:00:00Z');
    const store = openSqliteBillingStore({
      path: ':memory:',
      now: () => new Date((clock += 1_000)),
    });
    await store.openAccount(APP, 'APPLICATION');
    await store.topUp({ accountId: APP, amountFen: 100, paymentReference: 'P1', memo: '' });
    const between = new Date(clock + 500).toISOString();
    await store.topUp({ accountId: APP, amountFen: 50, paymentReference: 'P2', memo: '' });
    const statement = await store.statement(APP, between, '2027-01-01T00:00:00.000Z');
    expect(statement).toMatchObject({
      openingFen: 100,
      creditsFen: 50,
      debitsFen: 0,
      closingFen: 150,
    });
    expect(statement.lines.map((l) => [l.kind, l.reference, l.amountFen, l.balanceFen])).toEqual([
      ['TOP_UP', 'P2', 50, 150],
    ]);
  });

  it('settles: pays systems their receivables, closes the period, keeps the book balanced', async () => {
    const store = await funded(100);
    await store.chargeRegistrationFee('88.1001.2', 40);
    await store.hold({ holdId: id(1), accountId: APP, amountFen: 50 });
    await store.charge(id(1), trade(id(1), { a: 20, b: 15, platform: 5 }), 'test');
    const first = await store.settle('admin');
    // 88.1001.2 earned 15 but owes its 40 registration fee: nothing to pay out yet.
    expect(first.payouts).toEqual([{ systemCode: '88.1001.1', amountFen: 20 }]);
    expect(first).toMatchObject({ trades: 1, tradedFen: 40 });
    expect((await store.getAccount('88.1001.1'))?.balanceFen).toBe(0);
    const second = await store.settle('admin');
    expect(second.from).toBe(first.to);
    expect(second).toMatchObject({ trades: 0, payouts: [] });
    expect((await store.settlements()).map((s) => s.id)).toEqual([first.id, second.id]);
    expect(await store.check()).toMatchObject({ sumOfBalancesFen: 0, unbalancedEntries: [] });
  });

  it('charges concurrent queries in one transaction, each all or nothing', async () => {
    const store = await funded(1_000);
    for (const n of [1, 2, 3]) await store.hold({ holdId: id(n), accountId: APP, amountFen: 50 });
    // The second trade's payee is the application itself: its account is no system account, so
    // that charge is refused; the others in the same group are written.
    const bad = {
      ...trade(id(2), { a: 1, b: 1, platform: 1 }),
      payees: [{ systemCode: APP, grossFen: 2, amountFen: 2 }],
    };
    const outcomes = await Promise.allSettled([
      store.charge(id(1), trade(id(1), { a: 1, b: 1, platform: 1 }), 't'),
      store.charge(id(2), bad, 't'),
      store.charge(id(3), trade(id(3), { a: 2, b: 2, platform: 2 }), 't'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.getAccount(APP)).toMatchObject({ balanceFen: 1_000 - 3 - 6, heldFen: 0 });
    expect(await store.getTrade(id(2))).toBeUndefined();
    expect((await store.pendingTrades(10)).map((t) => t.tradeId)).toEqual([id(1), id(3)]);
    expect(await store.check()).toEqual({
      sumOfBalancesFen: 0,
      unbalancedEntries: [],
      driftedAccounts: [],
      heldMismatches: [],
    });
  });
});
