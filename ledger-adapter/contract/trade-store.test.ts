import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TransactionInput, TransactionOutcome } from '../contract-runtime.js';
import { createCompositeKey, createContractRunner, MemoryWorldState } from '../runtime/index.js';
import { canonicalJson } from './canonical-json.js';
import type { Trade, TradeReceipt } from './records.js';
import { TRADE_BODY_TYPE } from './trade-store.js';
import { verifyTradeReceipt } from './trades.js';

const creator = { mspId: 'GridmarkMSP', certificatePem: 'node key' };
const text = (bytes: Uint8Array | null | undefined): string =>
  new TextDecoder().decode(bytes ?? new Uint8Array());
const devices = ['88.1001.1/PVI-000001', '88.1001.1/PVI-000002'];
const resolutionId = 'r'.repeat(64);

async function ledger(): Promise<{
  run: (transaction: string, argument: unknown) => Promise<TransactionOutcome>;
  state: MemoryWorldState;
}> {
  const runner = createContractRunner();
  const state = new MemoryWorldState();
  let block = 0n;
  const run = async (transaction: string, argument: unknown): Promise<TransactionOutcome> => {
    block += 1n;
    const input: TransactionInput = {
      transaction,
      args: [typeof argument === 'string' ? argument : JSON.stringify(argument)],
      txId: createHash('sha256').update(String(block)).digest('hex'),
      timestamp: new Date('2026-03-01T08:00:00.000Z'),
      creator,
    };
    const outcome = await runner(state, input);
    if (outcome.status === 'OK') state.apply(outcome.writes, { blockNumber: block, txNumber: 0 });
    return outcome;
  };
  await run('RegisterFields', {
    systemCode: '88.1001.3',
    fields: [
      { fieldCode: '88.1001.3.F0001', coordinate: 'Device.outputPowerW', feeFen: 5 },
      { fieldCode: '88.1001.3.F0002', coordinate: 'Device.voltageV', feeFen: 2 },
    ],
  });
  await run('PutCatalogEntries', {
    entries: devices.map((deviceId) => ({
      deviceId,
      holdings: [{ systemCode: '88.1001.3', fieldCodes: ['88.1001.3.F0001', '88.1001.3.F0002'] }],
    })),
  });
  await run('PutParsingRule', {
    applicationId: 'APP-0001',
    function: 'om',
    role: '*',
    fieldCodes: ['88.1001.3.F0001', '88.1001.3.F0002'],
  });
  await run('ResolveBatch', {
    requests: [
      {
        resolutionId,
        applicationId: 'APP-0001',
        function: 'om',
        role: 'om-engineer',
        deviceIds: devices,
      },
    ],
  });
  return { run, state };
}

const trade = (tradeId: string, deviceId = devices[0] as string): Trade => ({
  tradeId,
  applicationId: 'APP-0001',
  resolutionId,
  function: 'om',
  items: [{ deviceId, fieldCodes: ['88.1001.3.F0001', '88.1001.3.F0002'] }],
  payees: [{ systemCode: '88.1001.3', grossFen: 7, amountFen: 6 }],
  platformFeeFen: 6,
  amountFen: 12,
  at: `2026-03-01T08:00:0${tradeId.length % 10}.000Z`,
});

const receiptsOf = (outcome: TransactionOutcome): TradeReceipt[] =>
  (JSON.parse(text(outcome.payload)) as { receipts: TradeReceipt[] }).receipts;

describe('trade storage', () => {
  it('stores each trade small, a body shared by trades of the same content once, and the batch once', async () => {
    const { run } = await ledger();
    const outcome = await run('RecordTrades', {
      trades: [trade('T-1'), trade('T-22'), trade('T-333', devices[1])],
    });
    expect(outcome.status).toBe('OK');
    const written = (type: string) =>
      outcome.writes.filter((w) => w.key.startsWith(createCompositeKey(type, [])));
    expect(written('trade')).toHaveLength(3);
    expect(written(TRADE_BODY_TYPE)).toHaveLength(2);
    expect(written('tradebatch')).toHaveLength(1);
    const record = JSON.parse(text(written('trade')[1]?.value)) as Record<string, unknown>;
    expect(record).toEqual({
      b: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      i: 1,
      r: resolutionId,
      t: '2026-03-01T08:00:04.000Z',
      x: createHash('sha256').update('5').digest('hex').slice(0, 16),
    });
    expect(JSON.parse(text(written('trade')[0]?.value))).toMatchObject({ b: record['b'], i: 0 });
    const batch = JSON.parse(text(written('tradebatch')[0]?.value)) as { leaves: string[] };
    expect(batch.leaves).toEqual(receiptsOf(outcome).map((r) => r.leafHash));
  });

  it('gives back from GetTrade each trade whole, with the receipt it was recorded with', async () => {
    const { run } = await ledger();
    const trades = [
      trade('T-1'),
      trade('T-22'),
      trade('T-333', devices[1]),
      trade('T-4444'),
      trade('T-55555'),
    ];
    const receipts = receiptsOf(await run('RecordTrades', { trades }));
    for (const [i, t] of trades.entries()) {
      const read = JSON.parse(text((await run('GetTrade', JSON.stringify(t.tradeId))).payload)) as {
        trade: Trade;
        receipt: TradeReceipt;
      };
      expect(read).toEqual({ trade: t, receipt: receipts[i] });
      expect(verifyTradeReceipt(read.trade, read.receipt)).toBe(true);
    }
  });

  it('answers a trade sent again with its first receipt, and refuses one sent again with other content', async () => {
    const { run } = await ledger();
    const [first] = receiptsOf(
      await run('RecordTrades', { trades: [trade('T-1'), trade('T-22')] }),
    );
    const again = await run('RecordTrades', { trades: [trade('T-1'), trade('T-333')] });
    expect(receiptsOf(again)[0]).toEqual(first);
    expect(again.writes.some((w) => w.key === createCompositeKey('trade', ['T-1']))).toBe(false);
    // The body T-333 shares with T-1 is on the ledger already: not written again.
    expect(
      again.writes.filter((w) => w.key.startsWith(createCompositeKey(TRADE_BODY_TYPE, []))),
    ).toHaveLength(0);
    expect(
      (
        await run('RecordTrades', {
          trades: [{ ...trade('T-1'), platformFeeFen: 7, amountFen: 13 }],
        })
      ).message,
    ).toMatch(/^\[CONFLICT\]/);
  });

  it('reads a trade stored whole with its receipt, as trades were before', async () => {
    const { run, state } = await ledger();
    const old = {
      trade: trade('T-OLD'),
      receipt: {
        tradeId: 'T-OLD',
        txId: 'e'.repeat(64),
        leafHash: 'a'.repeat(64),
        merkleRoot: 'a'.repeat(64),
        proof: [],
      },
    };
    state.apply(
      [
        {
          key: createCompositeKey('trade', ['T-OLD']),
          value: new TextEncoder().encode(canonicalJson(old)),
        },
      ],
      { blockNumber: 90n, txNumber: 0 },
    );
    expect(JSON.parse(text((await run('GetTrade', '"T-OLD"')).payload))).toEqual(old);
    expect(receiptsOf(await run('RecordTrades', { trades: [trade('T-OLD')] }))).toEqual([
      old.receipt,
    ]);
  });
});
