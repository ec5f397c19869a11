import { describe, expect, it } from 'vitest';
import { buildAnchor, parseAnchorCommitments } from './anchors.js';
import { buildCatalogEntry } from './catalog.js';
import { ContractError } from './contract-error.js';
import type { CatalogEntry, FieldRecord, ParsingRule, Resolution, Trade } from './records.js';
import { buildResolution } from './resolution.js';
import { chooseRule } from './rules.js';
import { buildReceipts, checkTradeAgainstResolution, parseTrade, verifyTradeReceipt } from './trades.js';

const at = '2026-03-01T08:00:00.000Z';
const field = (fieldCode: string, feeFen: number): FieldRecord => ({ fieldCode, systemCode: fieldCode.replace(/\.F\d+$/, ''), coordinate: `Device.f${fieldCode.slice(-1)}`, feeFen, registeredAt: at });
const fields = new Map<string, FieldRecord | undefined>([['88.1.3.F0001', field('88.1.3.F0001', 10)], ['88.1.4.F0001', field('88.1.4.F0001', 25)], ['88.1.4.F0002', field('88.1.4.F0002', 5)]]);
const rule = (role: string, fieldCodes: string[]): ParsingRule => ({ applicationId: 'APP-1', function: 'om', role, fieldCodes, updatedAt: at, txId: 't' });

function thrown(fn: () => unknown): ContractError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  return undefined;
}

describe('contract logic', () => {
  it('marks a device held by two systems as a key device and sorts its holdings', () => {
    const entry = buildCatalogEntry({ deviceId: '88.1.1/D1', holdings: [{ systemCode: '88.1.4', fieldCodes: ['88.1.4.F0002', '88.1.4.F0001'] }, { systemCode: '88.1.3', fieldCodes: ['88.1.3.F0001'] }] }, fields);
    expect(entry).toEqual({ deviceId: '88.1.1/D1', key: true, holdings: [{ systemCode: '88.1.3', fieldCodes: ['88.1.3.F0001'] }, { systemCode: '88.1.4', fieldCodes: ['88.1.4.F0001', '88.1.4.F0002'] }] });
    expect(thrown(() => buildCatalogEntry({ deviceId: '88.1.1/D1', holdings: [{ systemCode: '88.1.3', fieldCodes: ['88.1.4.F0001'] }] }, fields))?.code).toBe('FIELD_NOT_OWNED');
  });

  it('prefers the role\'s own rule to the one for every role', () => {
    expect(chooseRule(rule('auditor', []), rule('*', []))?.role).toBe('auditor');
    expect(chooseRule(undefined, rule('*', []))?.role).toBe('*');
    expect(chooseRule(undefined, undefined)).toBeUndefined();
  });

  it('resolves only the rule\'s fields the catalog says are held, in the rule\'s order, and totals their fees', () => {
    const entries = new Map<string, CatalogEntry | undefined>([['88.1.1/D1', { deviceId: '88.1.1/D1', key: true, holdings: [{ systemCode: '88.1.3', fieldCodes: ['88.1.3.F0001'] }, { systemCode: '88.1.4', fieldCodes: ['88.1.4.F0001'] }] }]]);
    const input = { applicationId: 'APP-1', function: 'om', role: 'x', deviceIds: ['88.1.1/D1', '88.1.1/D2'] };
    const resolution = buildResolution(input, rule('*', ['88.1.4.F0001', '88.1.4.F0002', '88.1.3.F0001']), entries, fields, 'tx1', at);
    expect(resolution.devices).toEqual([
      { deviceId: '88.1.1/D1', fields: [{ fieldCode: '88.1.4.F0001', systemCode: '88.1.4', coordinate: 'Device.f1', feeFen: 25 }, { fieldCode: '88.1.3.F0001', systemCode: '88.1.3', coordinate: 'Device.f1', feeFen: 10 }] },
      { deviceId: '88.1.1/D2', fields: [] },
    ]);
    expect(resolution).toMatchObject({ resolutionId: 'tx1', totalFeeFen: 35, resolvedAt: at });
    expect(thrown(() => buildResolution(input, undefined, entries, fields, 'tx2', at))?.code).toBe('NO_RULE');
  });

  it('counts anchor versions and refuses a batch that names a (device, field) twice', () => {
    const c = { deviceId: '88.1.1/D1', fieldCode: '88.1.3.F0001', commitment: 'a'.repeat(64) };
    expect(buildAnchor('88.1.3', c, undefined, 'tx1', at).version).toBe(1);
    expect(buildAnchor('88.1.3', c, { version: 4 }, 'tx2', at)).toMatchObject({ version: 5, txId: 'tx2', anchoredAt: at, systemCode: '88.1.3' });
    expect(thrown(() => parseAnchorCommitments({ systemCode: '88.1.3', commitments: [c, { ...c, commitment: 'b'.repeat(64) }] }))?.code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => parseAnchorCommitments({ systemCode: '88.1.4', commitments: [c] }))?.code).toBe('FIELD_NOT_OWNED');
  });

  describe('trades', () => {
    const trade: Trade = { tradeId: 'T-1', applicationId: 'APP-1', resolutionId: 'tx1', deviceId: '88.1.1/D1', function: 'om', fieldCodes: ['88.1.4.F0001'], payees: [{ systemCode: '88.1.4', amountFen: 25 }], platformFeeFen: 3, amountFen: 28, at };
    const resolution: Resolution = { resolutionId: 'tx1', applicationId: 'APP-1', function: 'om', role: '*', resolvedAt: at, totalFeeFen: 25, devices: [{ deviceId: '88.1.1/D1', fields: [{ fieldCode: '88.1.4.F0001', systemCode: '88.1.4', coordinate: 'Device.f1', feeFen: 25 }] }] };

    it('refuses an amount that is not the payees plus the platform fee', () => {
      expect(parseTrade(trade, 't')).toEqual(trade);
      expect(thrown(() => parseTrade({ ...trade, amountFen: 27 }, 't'))?.reason).toMatch(/add up to 28/);
    });

    it('refuses a trade for fields or payees its resolution did not give', () => {
      expect(thrown(() => checkTradeAgainstResolution(trade, resolution))).toBeUndefined();
      expect(thrown(() => checkTradeAgainstResolution(trade, undefined))?.code).toBe('NOT_FOUND');
      expect(thrown(() => checkTradeAgainstResolution({ ...trade, fieldCodes: ['88.1.4.F0002'] }, resolution))?.code).toBe('INVALID_ARGUMENT');
      expect(thrown(() => checkTradeAgainstResolution({ ...trade, payees: [{ systemCode: '88.1.3', amountFen: 25 }] }, resolution))?.code).toBe('INVALID_ARGUMENT');
      expect(thrown(() => checkTradeAgainstResolution({ ...trade, applicationId: 'APP-2' }, resolution))?.code).toBe('INVALID_ARGUMENT');
    });

    it('gives receipts that prove each trade and no altered one', () => {
      const trades = [trade, { ...trade, tradeId: 'T-2' }, { ...trade, tradeId: 'T-3' }];
      const { merkleRoot, receipts } = buildReceipts(trades, 'tx9');
      expect(receipts.every((r, i) => r.merkleRoot === merkleRoot && r.txId === 'tx9' && verifyTradeReceipt(trades[i] as Trade, r))).toBe(true);
      expect(verifyTradeReceipt({ ...trade, amountFen: 29, platformFeeFen: 4 }, receipts[0] as (typeof receipts)[0])).toBe(false);
      expect(verifyTradeReceipt(trades[1] as Trade, receipts[0] as (typeof receipts)[0])).toBe(false);
    });
  });
});
