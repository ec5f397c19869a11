import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { verifyTradeReceipt, type Trade } from '../contract/index.js';
import type { LedgerSuite, TestSystem } from './ledger-suite.js';

/**
 * Two systems' fields (10 and 20 fen) on two devices, resolved for a new application; `trade` buys
 * some of them.
 */
async function tradeSetup(suite: LedgerSuite): Promise<{
  trade: (tradeId: string, changes?: Partial<Trade>) => Trade;
  a: TestSystem;
  b: TestSystem;
  deviceIds: [string, string];
}> {
  const a = await suite.newSystem(2, 10);
  const b = await suite.newSystem(2, 20);
  const applicationId = suite.app();
  const deviceIds: [string, string] = [
    `88.1001.1/PVI-T${suite.next}-1`,
    `88.1001.1/PVI-T${suite.next}-2`,
  ];
  await suite.adapter.putCatalogEntries({
    entries: [
      {
        deviceId: deviceIds[0],
        holdings: [
          { systemCode: a.systemCode, fieldCodes: [a.field(1), a.field(2)] },
          { systemCode: b.systemCode, fieldCodes: [b.field(1)] },
        ],
      },
      {
        deviceId: deviceIds[1],
        holdings: [{ systemCode: a.systemCode, fieldCodes: [a.field(1)] }],
      },
    ],
  });
  await suite.adapter.putParsingRule({
    applicationId,
    function: 'finance',
    role: '*',
    fieldCodes: [a.field(1), a.field(2), b.field(1)],
  });
  const { resolutionId } = await suite.adapter.resolve({
    applicationId,
    function: 'finance',
    role: 'analyst',
    deviceIds,
  });
  // a: 10 + 10 on the first device, 10 on the second = 30, paid 27; b: 20, paid 18; platform: 3 + 2 commissions and 1 resolution fee.
  const trade = (tradeId: string, changes: Partial<Trade> = {}): Trade => ({
    tradeId,
    applicationId,
    resolutionId,
    function: 'finance',
    items: [
      { deviceId: deviceIds[0], fieldCodes: [a.field(1), a.field(2), b.field(1)] },
      { deviceId: deviceIds[1], fieldCodes: [a.field(1)] },
    ],
    payees: [
      { systemCode: a.systemCode, grossFen: 30, amountFen: 27 },
      { systemCode: b.systemCode, grossFen: 20, amountFen: 18 },
    ],
    platformFeeFen: 6,
    amountFen: 51,
    at: '2026-03-01T08:00:00.000Z',
    ...changes,
  });
  return { trade, a, b, deviceIds };
}

/**
 * Trades: recorded with Merkle receipts, replayed, and refused when they do not match their
 * resolution.
 */
export function describeTrades(suite: LedgerSuite): void {
  describe('trades', () => {
    describeTradeReceipts(suite);
    describeTradeRefusals(suite);
  });
}

function describeTradeReceipts(suite: LedgerSuite): void {
  describe('receipts', () => {
    it('records trades with Merkle receipts that prove each one and no altered one', async () => {
      const { trade } = await tradeSetup(suite);
      const trades = [
        trade(`T-${suite.next}-1`),
        trade(`T-${suite.next}-2`),
        trade(`T-${suite.next}-3`),
      ];
      const { receipts } = await suite.adapter.recordTrades(trades);
      expect(receipts.map((r, i) => verifyTradeReceipt(trades[i] as Trade, r))).toEqual([
        true,
        true,
        true,
      ]);
      expect(new Set(receipts.map((r) => r.merkleRoot)).size).toBe(1);
      expect(
        verifyTradeReceipt(
          trade(`T-${suite.next}-1`, { platformFeeFen: 7, amountFen: 52 }),
          receipts[0] as (typeof receipts)[0],
        ),
      ).toBe(false);
      expect(await suite.adapter.getTrade(`T-${suite.next}-3`)).toEqual({
        trade: trades[2],
        receipt: receipts[2],
      });
      expect(await suite.adapter.getTrade(`T-${suite.next}-4`)).toBeNull();
    });

    it('answers a replayed identical trade with its first receipt, alone or among new ones', async () => {
      const { trade } = await tradeSetup(suite);
      const first = await suite.adapter.recordTrades([
        trade(`T-${suite.next}-1`),
        trade(`T-${suite.next}-2`),
      ]);
      expect((await suite.adapter.recordTrades([trade(`T-${suite.next}-2`)])).receipts).toEqual([
        first.receipts[1],
      ]);
      const mixed = await suite.adapter.recordTrades([
        trade(`T-${suite.next}-1`),
        trade(`T-${suite.next}-3`),
      ]);
      expect(mixed.receipts[0]).toEqual(first.receipts[0]);
      expect(mixed.receipts[1]?.txId).not.toBe(first.receipts[0]?.txId);
      expect(
        verifyTradeReceipt(
          trade(`T-${suite.next}-3`),
          mixed.receipts[1] as (typeof mixed.receipts)[0],
        ),
      ).toBe(true);
    });
  });
}

function describeTradeRefusals(suite: LedgerSuite): void {
  describe('refusals', () => {
    it('refuses a different trade under a used id (CONFLICT), recording nothing of its call', async () => {
      const { trade } = await tradeSetup(suite);
      await suite.adapter.recordTrades([trade(`T-${suite.next}-1`)]);
      const changed = trade(`T-${suite.next}-1`, { platformFeeFen: 7, amountFen: 52 });
      expect(
        await suite.refusal(suite.adapter.recordTrades([trade(`T-${suite.next}-2`), changed])),
      ).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'CONFLICT',
      });
      expect(await suite.adapter.getTrade(`T-${suite.next}-2`)).toBeNull();
    });

    it('refuses a trade that overstates a gross, names a field not resolved, or pays a system that holds none of the fields', async () => {
      const { trade, a, b, deviceIds } = await tradeSetup(suite);
      const other = await suite.newSystem(1, 5);
      const [payeeA, payeeB] = trade('x').payees as [
        Trade['payees'][number],
        Trade['payees'][number],
      ];
      const reason = async (t: Trade): Promise<string> => {
        const error = await suite.adapter.recordTrades([t]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(GridmarkError);
        expect((error as GridmarkError).details['contractCode']).toBe('INVALID_ARGUMENT');
        return String((error as GridmarkError).details['reason']);
      };
      expect(
        await reason(
          trade(`T-${suite.next}-1`, {
            payees: [{ ...payeeA, grossFen: 31, amountFen: 28 }, payeeB],
            amountFen: 52,
          }),
        ),
      ).toMatch(/gross of 31 fen but its traded fields' fee standards add up to 30/);
      expect(
        await reason(
          trade(`T-${suite.next}-2`, {
            items: [{ deviceId: deviceIds[1], fieldCodes: [a.field(1), b.field(1)] }],
            payees: [{ ...payeeA, grossFen: 10, amountFen: 9 }, payeeB],
            amountFen: 33,
          }),
        ),
      ).toMatch(/was not resolved for device/);
      expect(
        await reason(
          trade(`T-${suite.next}-3`, {
            payees: [payeeA, payeeB, { systemCode: other.systemCode, grossFen: 0, amountFen: 0 }],
          }),
        ),
      ).toMatch(/holds none of the traded fields/);
      expect(await reason(trade(`T-${suite.next}-4`, { amountFen: 1 }))).toMatch(/add up to 51/);
      expect(
        await suite.refusal(
          suite.adapter.recordTrades([trade(`T-${suite.next}-5`, { resolutionId: 'nope' })]),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'NOT_FOUND' });
      for (const n of [1, 2, 3, 4, 5])
        expect(await suite.adapter.getTrade(`T-${suite.next}-${n}`)).toBeNull();
    });
  });
}
