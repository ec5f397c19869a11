import { describe, expect, it } from 'vitest';
import type { TransactionInput } from '../contract-runtime.js';
import { verifyTradeReceipt, type Trade, type TradeReceipt } from '../contract/index.js';
import { createCompositeKey } from './composite-key.js';
import { createContractRunner, describeContractTransactions } from './contract-runner.js';
import { MemoryWorldState } from './world-state.js';

const creator = { mspId: 'GridmarkMSP', certificatePem: 'node key' };
const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));
let counter = 0;
function input(transaction: string, argument: unknown, args?: string[]): TransactionInput {
  counter += 1;
  return {
    transaction,
    args: args ?? [JSON.stringify(argument)],
    txId: `tx${counter}`,
    timestamp: new Date('2026-03-01T08:00:00.000Z'),
    creator,
  };
}
const fields = {
  systemCode: '88.1001.3',
  fields: [{ fieldCode: '88.1001.3.F0001', coordinate: 'Device.outputPowerW', feeFen: 5 }],
};

describe('createContractRunner', () => {
  it('records every transaction from the decorators with one argument and the right kind', () => {
    const txs = describeContractTransactions();
    expect(txs.map((t) => t.name).sort()).toEqual(
      [
        'AnchorCommitments',
        'GetAnchors',
        'GetCatalogEntries',
        'GetFields',
        'GetParsingRule',
        'GetResolution',
        'GetTamperReports',
        'GetTrade',
        'PutCatalogEntries',
        'PutParsingRule',
        'RecordTrades',
        'RegisterFields',
        'ReportTamper',
        'Resolve',
        'ResolveBatch',
      ].sort(),
    );
    expect(txs.every((t) => t.arity === 1)).toBe(true);
    expect(
      txs
        .filter((t) => t.submit)
        .map((t) => t.name)
        .sort(),
    ).toEqual([
      'AnchorCommitments',
      'PutCatalogEntries',
      'PutParsingRule',
      'RecordTrades',
      'RegisterFields',
      'ReportTamper',
      'Resolve',
      'ResolveBatch',
    ]);
  });

  it('returns the result, the read set, the write set and one event for a write', async () => {
    const run = createContractRunner();
    const outcome = await run(new MemoryWorldState(), input('RegisterFields', fields));
    expect(outcome.status).toBe('OK');
    expect(decode(outcome.payload)).toEqual({ fieldCodes: ['88.1001.3.F0001'] });
    const key = createCompositeKey('field', ['88.1001.3.F0001']);
    expect(outcome.reads).toEqual([{ key, version: null }]);
    expect(outcome.writes.map((w) => w.key)).toEqual([key]);
    expect(new TextDecoder().decode(outcome.writes[0]?.value ?? new Uint8Array())).toBe(
      '{"coordinate":"Device.outputPowerW","feeFen":5,"fieldCode":"88.1001.3.F0001","registeredAt":"2026-03-01T08:00:00.000Z","systemCode":"88.1001.3"}',
    );
    expect(outcome.event?.name).toBe('FieldsRegistered');
    expect(decode(outcome.event?.payload ?? new Uint8Array())).toEqual({
      systemCode: '88.1001.3',
      fieldCodes: ['88.1001.3.F0001'],
    });
  });

  it('reads the committed version of each key it reads', async () => {
    const run = createContractRunner();
    const state = new MemoryWorldState();
    const first = await run(state, input('RegisterFields', fields));
    state.apply(first.writes, { blockNumber: 4n, txNumber: 2 });
    const read = await run(state, input('GetFields', ['88.1001.3.F0001', '88.1001.3.F0002']));
    expect(read.reads).toEqual([
      {
        key: createCompositeKey('field', ['88.1001.3.F0001']),
        version: { blockNumber: 4n, txNumber: 2 },
      },
      { key: createCompositeKey('field', ['88.1001.3.F0002']), version: null },
    ]);
    expect(read.writes).toEqual([]);
    expect(read.event).toBeNull();
  });

  it('turns a refusal into an ERROR outcome with the bracketed code and no writes or event', async () => {
    const run = createContractRunner();
    const outcome = await run(
      new MemoryWorldState(),
      input('RegisterFields', { ...fields, systemCode: '88.1001.4' }),
    );
    expect(outcome).toMatchObject({ status: 'ERROR', writes: [], event: null });
    expect(outcome.message).toMatch(
      /^\[FIELD_NOT_OWNED\] field 88\.1001\.3\.F0001 does not belong to system 88\.1001\.4$/,
    );
  });

  it('refuses an unknown transaction and a wrong number of arguments', async () => {
    const run = createContractRunner();
    expect((await run(new MemoryWorldState(), input('DropAll', {}))).message).toMatch(
      /^\[UNKNOWN_TRANSACTION\] .*DropAll/,
    );
    expect(
      (await run(new MemoryWorldState(), input('GetFields', null, ['[]', '[]']))).message,
    ).toMatch(/^\[UNKNOWN_TRANSACTION\] GetFields takes 1 argument/);
    expect(
      (await run(new MemoryWorldState(), input('GetFields', null, ['not json']))).message,
    ).toBe('[INVALID_ARGUMENT] GetFields argument must be JSON');
  });

  it('records trades against their resolution, reading the resolution once however many trades name it', async () => {
    const run = createContractRunner();
    const gets = new Map<string, number>();
    const state = new (class extends MemoryWorldState {
      override get(key: string): ReturnType<MemoryWorldState['get']> {
        gets.set(key, (gets.get(key) ?? 0) + 1);
        return super.get(key);
      }
    })();
    let block = 0n;
    const commit = async (transaction: string, argument: unknown): Promise<unknown> => {
      const outcome = await run(state, input(transaction, argument));
      expect(outcome.status, outcome.message).toBe('OK');
      block += 1n;
      state.apply(outcome.writes, { blockNumber: block, txNumber: 0 });
      return decode(outcome.payload);
    };
    const deviceId = '88.1001.1/PVI-000001';
    await commit('RegisterFields', fields);
    await commit('PutCatalogEntries', {
      entries: [
        { deviceId, holdings: [{ systemCode: '88.1001.3', fieldCodes: ['88.1001.3.F0001'] }] },
      ],
    });
    await commit('PutParsingRule', {
      applicationId: 'APP-1',
      function: 'om',
      role: '*',
      fieldCodes: ['88.1001.3.F0001'],
    });
    const { resolutionId } = (await commit('Resolve', {
      applicationId: 'APP-1',
      function: 'om',
      role: 'om-engineer',
      deviceIds: [deviceId],
    })) as { resolutionId: string };
    const trade = (tradeId: string): Trade => ({
      tradeId,
      applicationId: 'APP-1',
      resolutionId,
      function: 'om',
      items: [{ deviceId, fieldCodes: ['88.1001.3.F0001'] }],
      payees: [{ systemCode: '88.1001.3', grossFen: 5, amountFen: 4 }],
      platformFeeFen: 2,
      amountFen: 6,
      at: '2026-03-01T08:00:00.000Z',
    });
    const trades = [trade('T-1'), trade('T-2'), trade('T-3')];
    gets.clear();
    const { receipts } = (await commit('RecordTrades', { trades })) as { receipts: TradeReceipt[] };
    expect(receipts.map((r, i) => verifyTradeReceipt(trades[i] as Trade, r))).toEqual([
      true,
      true,
      true,
    ]);
    expect(gets.get(createCompositeKey('resolution', [resolutionId]))).toBe(1);
  });

  it("leaves the process without the chaincode library's error-swallowing handlers", () => {
    const names = [
      ...process.listeners('uncaughtException'),
      ...process.listeners('unhandledRejection'),
    ].map((l) => l.name);
    expect(names).not.toContain('loggerUnhandledRejectionFn');
    expect(names).not.toContain('bound _uncaughtException');
  });
});
