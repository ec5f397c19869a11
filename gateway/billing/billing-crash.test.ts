import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLedger,
  verifyTradeReceipt,
  openLedgerOutbox,
  type Trade,
  type LedgerAdapter,
} from '../../ledger-adapter/index.js';
import { silentLogger } from '../../schema/index.js';
import type { BillingStore } from './billing-store.js';
import { openSqliteBillingStore } from './sqlite/sqlite-billing-store.js';
import { linkBookToLedger } from './book-ledger-link.js';

/**
 * A process that dies anywhere between holding a query's price and the ledger recording its trade
 * leaves no lost charge and no double charge: after a restart the book releases the hold of a query
 * that was never charged, and records on the ledger, once, a trade that was.
 */
const FIXTURE = fileURLToPath(new URL('../../test/support/charge-then-die.ts', import.meta.url));
const APP = 'APP-0001';
const SYSTEM = '88.7001.1';
const FIELD = `${SYSTEM}.F0001`;
const DEVICE = '88.7001.1/INV-1';
const dir = mkdtempSync(join(tmpdir(), 'gridmark-crash-'));
const resolutionId = randomBytes(32).toString('hex');

const terms = (): Omit<Trade, 'at'> => ({
  tradeId: randomBytes(32).toString('hex'),
  applicationId: APP,
  resolutionId,
  function: 'monitoring',
  items: [{ deviceId: DEVICE, fieldCodes: [FIELD] }],
  payees: [{ systemCode: SYSTEM, grossFen: 9, amountFen: 9 }],
  platformFeeFen: 1,
  amountFen: 10,
});

/** Runs the dying gateway; returns how it ended. */
function crashAt(
  stage: 'after-hold' | 'after-charge' | 'after-ledger',
  trade: Omit<Trade, 'at'>,
): string | null {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', FIXTURE, dir, stage, JSON.stringify(trade)],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.signal !== 'SIGKILL')
    throw new Error(`the fixture ended with ${run.signal ?? `code ${run.status}`}: ${run.stderr}`);
  return run.signal;
}

/** What a restarting gateway does: opens book and ledger, releases holds, records pending trades. */
async function restart(): Promise<{
  book: BillingStore;
  ledger: LedgerAdapter;
  released: number;
  close: () => Promise<void>;
}> {
  const ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  const book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
  const released = await book.releaseAllHolds();
  const outbox = openLedgerOutbox({ ledger, path: join(dir, 'outbox.db'), logger: silentLogger });
  await linkBookToLedger(book, outbox, silentLogger);
  await outbox.flush();
  return {
    book,
    ledger,
    released,
    close: async () => {
      await outbox.close();
      await book.close();
      await ledger.close();
    },
  };
}

beforeAll(async () => {
  const ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  await ledger.registerFields({
    systemCode: SYSTEM,
    fields: [{ fieldCode: FIELD, coordinate: 'Device.model', feeFen: 9 }],
  });
  await ledger.putCatalogEntries({
    entries: [{ deviceId: DEVICE, holdings: [{ systemCode: SYSTEM, fieldCodes: [FIELD] }] }],
  });
  await ledger.putParsingRule({
    applicationId: APP,
    function: 'monitoring',
    role: '*',
    fieldCodes: [FIELD],
  });
  await ledger.resolveBatch([
    { resolutionId, applicationId: APP, function: 'monitoring', role: '*', deviceIds: [DEVICE] },
  ]);
  await ledger.close();
  const book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
  await book.openAccount(APP, 'APPLICATION');
  await book.topUp({ accountId: APP, amountFen: 100, paymentReference: 'PAY-1', memo: 'test' });
  await book.close();
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a crash between fetch and charge', () => {
  it('before the charge: the hold is gone, nothing is charged or traded', async () => {
    const trade = terms();
    crashAt('after-hold', trade);
    const after = await restart();
    try {
      // Holds live in the process: a new one starts with none, and the full balance available.
      expect(after.released).toBe(0);
      expect(await after.book.getAccount(APP)).toMatchObject({
        balanceFen: 100,
        heldFen: 0,
        availableFen: 100,
      });
      expect(await after.book.getTrade(trade.tradeId)).toBeUndefined();
      expect(await after.ledger.getTrade(trade.tradeId)).toBeNull();
    } finally {
      await after.close();
    }
  }, 90_000);

  it('after the charge, before the ledger: the trade reaches the ledger at restart, charged once', async () => {
    const trade = terms();
    crashAt('after-charge', trade);
    const after = await restart();
    try {
      expect(after.released).toBe(0);
      expect(await after.book.getAccount(APP)).toMatchObject({ balanceFen: 90, heldFen: 0 });
      const record = await after.book.getTrade(trade.tradeId);
      expect(record?.status).toBe('RECORDED');
      const onLedger = await after.ledger.getTrade(trade.tradeId);
      expect(onLedger?.trade).toEqual(record?.trade);
      expect(record?.receipt && verifyTradeReceipt(record.trade, record.receipt)).toBe(true);
      expect(await after.book.check()).toMatchObject({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
        driftedAccounts: [],
      });
    } finally {
      await after.close();
    }
  }, 90_000);

  it('after the ledger, before the book knew: re-sending records nothing twice and yields the first receipt', async () => {
    const trade = terms();
    crashAt('after-ledger', trade);
    const firstOnLedger = await (async () => {
      const ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
      try {
        return await ledger.getTrade(trade.tradeId);
      } finally {
        await ledger.close();
      }
    })();
    expect(firstOnLedger).not.toBeNull();
    const after = await restart();
    try {
      const record = await after.book.getTrade(trade.tradeId);
      expect(record?.status).toBe('RECORDED');
      expect(record?.receipt).toEqual(firstOnLedger?.receipt);
      expect(await after.book.getAccount(APP)).toMatchObject({ balanceFen: 80, heldFen: 0 });
      expect(await after.book.check()).toMatchObject({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
      });
    } finally {
      await after.close();
    }
  }, 90_000);
});
