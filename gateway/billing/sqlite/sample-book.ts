import type { Trade } from '../../../ledger-adapter/index.js';
import { openSqliteBillingStore } from './sqlite-billing-store.js';

/*
 * A book with a funded application, and trades that pay two systems: what the book's tests
 * charge, record and read.
 */

/** The application the sample trades charge. */
export const APP = 'APP-0001';

/** The terms of a trade of {@link APP} that pays 88.1001.1 `a`, 88.1001.2 `b` and the platform its fee. */
export function sampleTrade(
  tradeId: string,
  amounts: { a: number; b: number; platform: number },
): Omit<Trade, 'at'> {
  return {
    tradeId,
    applicationId: APP,
    resolutionId: 'r'.repeat(64),
    function: 'monitoring',
    items: [{ deviceId: '88.1001.1/INV-1', fieldCodes: ['88.1001.1.F0001', '88.1001.2.F0001'] }],
    payees: [
      { systemCode: '88.1001.1', grossFen: amounts.a, amountFen: amounts.a },
      { systemCode: '88.1001.2', grossFen: amounts.b, amountFen: amounts.b },
    ],
    platformFeeFen: amounts.platform,
    amountFen: amounts.a + amounts.b + amounts.platform,
  };
}

/** The `n`th 64-digit hex id: the form of a trade id that the book keeps as its bytes. */
export function hexId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** A book (in memory unless `path` is given) where {@link APP} has paid in `amountFen`. */
export async function fundedBook(amountFen: number, path = ':memory:') {
  const store = openSqliteBillingStore({ path });
  await store.openAccount(APP, 'APPLICATION');
  await store.topUp({ accountId: APP, amountFen, paymentReference: 'BANK-1', memo: 'test' });
  return store;
}
