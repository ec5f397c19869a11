import { describe, expect, it } from 'vitest';
import { parseAnchorCommitments, requireVouchedReplacement } from './anchors.js';
import { buildCatalogEntry } from './catalog.js';
import { ContractError } from './contract-error.js';
import type { CatalogEntry, FieldRecord, ParsingRule, Resolution, Trade } from './records.js';
import { buildResolution } from './resolution.js';
import { chooseRule } from './rules.js';
import {
  buildReceipts,
  checkTradeAgainstResolution,
  parseTrade,
  verifyTradeReceipt,
} from './trades.js';

const at = '2026-03-01T08:00:00.000Z';
const field = (fieldCode: string, feeFen: number): FieldRecord => ({
  fieldCode,
  systemCode: fieldCode.replace(/\.F\d+$/, ''),
  coordinate: `Device.f${fieldCode.slice(-1)}`,
  feeFen,
  registeredAt: at,
});
const fields = new Map<string, FieldRecord | undefined>([
  ['88.1.3.F0001', field('88.1.3.F0001', 10)],
  ['88.1.4.F0001', field('88.1.4.F0001', 25)],
  ['88.1.4.F0002', field('88.1.4.F0002', 5)],
]);
const rule = (role: string, fieldCodes: string[]): ParsingRule => ({
  applicationId: 'APP-1',
  function: 'om',
  role,
  fieldCodes,
  updatedAt: at,
  txId: 't',
});

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
    const entry = buildCatalogEntry(
      {
        deviceId: '88.1.1/D1',
        holdings: [
          { systemCode: '88.1.4', fieldCodes: ['88.1.4.F0002', '88.1.4.F0001'] },
          { systemCode: '88.1.3', fieldCodes: ['88.1.3.F0001'] },
        ],
      },
      fields,
    );
    expect(entry).toEqual({
      deviceId: '88.1.1/D1',
      key: true,
      holdings: [
        { systemCode: '88.1.3', fieldCodes: ['88.1.3.F0001'] },
        { systemCode: '88.1.4', fieldCodes: ['88.1.4.F0001', '88.1.4.F0002'] },
      ],
    });
    expect(
      thrown(() =>
        buildCatalogEntry(
          {
            deviceId: '88.1.1/D1',
            holdings: [{ systemCode: '88.1.3', fieldCodes: ['88.1.4.F0001'] }],
          },
          fields,
        ),
      )?.code,
    ).toBe('FIELD_NOT_OWNED');
  });

  it("prefers the role's own rule to the one for every role", () => {
    expect(chooseRule(rule('auditor', []), rule('*', []))?.role).toBe('auditor');
    expect(chooseRule(undefined, rule('*', []))?.role).toBe('*');
    expect(chooseRule(undefined, undefined)).toBeUndefined();
  });

  it("resolves only the rule's fields the catalog says are held, in the rule's order, and totals their fees", () => {
    const entries = new Map<string, CatalogEntry | undefined>([
      [
        '88.1.1/D1',
        {
          deviceId: '88.1.1/D1',
          key: true,
          holdings: [
            { systemCode: '88.1.3', fieldCodes: ['88.1.3.F0001'] },
            { systemCode: '88.1.4', fieldCodes: ['88.1.4.F0001'] },
          ],
        },
      ],
    ]);
    const input = {
      applicationId: 'APP-1',
      function: 'om',
      role: 'x',
      deviceIds: ['88.1.1/D1', '88.1.1/D2'],
    };
    const resolution = buildResolution(
      input,
      rule('*', ['88.1.4.F0001', '88.1.4.F0002', '88.1.3.F0001']),
      entries,
      fields,
      'tx1',
      at,
    );
    expect(resolution.devices).toEqual([
      {
        deviceId: '88.1.1/D1',
        fields: [
          { fieldCode: '88.1.4.F0001', systemCode: '88.1.4', coordinate: 'Device.f1', feeFen: 25 },
          { fieldCode: '88.1.3.F0001', systemCode: '88.1.3', coordinate: 'Device.f1', feeFen: 10 },
        ],
      },
      { deviceId: '88.1.1/D2', fields: [] },
    ]);
    expect(resolution).toMatchObject({ resolutionId: 'tx1', totalFeeFen: 35, resolvedAt: at });
    expect(thrown(() => buildResolution(input, undefined, entries, fields, 'tx2', at))?.code).toBe(
      'NO_RULE',
    );
  });

  it('refuses a batch that names a (device, field) twice, or a field of another system', () => {
    const c = { deviceId: '88.1.1/D1', fieldCode: '88.1.3.F0001', commitment: 'a'.repeat(64) };
    expect(
      thrown(() =>
        parseAnchorCommitments({
          systemCode: '88.1.3',
          commitments: [c, { ...c, commitment: 'b'.repeat(64) }],
        }),
      )?.code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      thrown(() => parseAnchorCommitments({ systemCode: '88.1.4', commitments: [c] }))?.code,
    ).toBe('FIELD_NOT_OWNED');
  });

  it('lets only a vouched batch replace the anchor of a refuse field', () => {
    const c = { deviceId: '88.1.1/D1', fieldCode: '88.1.3.F0001', commitment: 'a'.repeat(64) };
    const previous = 1;
    const refuse: FieldRecord = { ...field('88.1.3.F0001', 10), changePolicy: 'refuse' };
    const batch = parseAnchorCommitments({ systemCode: '88.1.3', commitments: [c] });
    expect(batch.vouched).toBeUndefined();
    expect(thrown(() => requireVouchedReplacement(batch, c, previous, refuse))?.code).toBe(
      'NOT_VOUCHED',
    );
    expect(thrown(() => requireVouchedReplacement(batch, c, 0, refuse))).toBeUndefined();
    expect(
      thrown(() =>
        requireVouchedReplacement(batch, c, previous, {
          ...refuse,
          changePolicy: 'release-unverified',
        }),
      ),
    ).toBeUndefined();
    expect(
      thrown(() =>
        requireVouchedReplacement(
          parseAnchorCommitments({ systemCode: '88.1.3', commitments: [c], vouched: true }),
          c,
          previous,
          refuse,
        ),
      ),
    ).toBeUndefined();
    expect(
      thrown(() =>
        parseAnchorCommitments({ systemCode: '88.1.3', commitments: [c], vouched: 'yes' }),
      )?.code,
    ).toBe('INVALID_ARGUMENT');
  });

  describe('trades', () => {
    const resolved = (
      fieldCode: string,
      feeFen: number,
    ): Resolution['devices'][number]['fields'][number] => ({
      fieldCode,
      systemCode: fieldCode.replace(/\.F\d+$/, ''),
      coordinate: 'Device.f',
      feeFen,
    });
    const resolution: Resolution = {
      resolutionId: 'tx1',
      applicationId: 'APP-1',
      function: 'om',
      role: '*',
      resolvedAt: at,
      totalFeeFen: 75,
      devices: [
        {
          deviceId: '88.1.1/D1',
          fields: [
            resolved('88.1.4.F0001', 25),
            resolved('88.1.4.F0002', 5),
            resolved('88.1.3.F0001', 10),
          ],
        },
        {
          deviceId: '88.1.1/D2',
          fields: [resolved('88.1.4.F0001', 25), resolved('88.1.3.F0001', 10)],
        },
        { deviceId: '88.1.1/D3', fields: [] },
      ],
    };
    // D1: 88.1.4 gross 25 + 5, 88.1.3 gross 10; D2: 88.1.4 gross 25. Commissions 3 + 1, resolution fee 2.
    const trade: Trade = {
      tradeId: 'T-1',
      applicationId: 'APP-1',
      resolutionId: 'tx1',
      function: 'om',
      items: [
        { deviceId: '88.1.1/D1', fieldCodes: ['88.1.4.F0001', '88.1.4.F0002', '88.1.3.F0001'] },
        { deviceId: '88.1.1/D2', fieldCodes: ['88.1.4.F0001'] },
      ],
      payees: [
        { systemCode: '88.1.4', grossFen: 55, amountFen: 52 },
        { systemCode: '88.1.3', grossFen: 10, amountFen: 9 },
      ],
      platformFeeFen: 6,
      amountFen: 67,
      at,
    };
    const check = (changes: Partial<Trade>): ContractError | undefined =>
      thrown(() => checkTradeAgainstResolution({ ...trade, ...changes }, resolution));

    it('parses a trade and refuses an amount that is not the payees plus the platform fee', () => {
      expect(parseTrade(trade, 't')).toEqual(trade);
      expect(thrown(() => parseTrade({ ...trade, amountFen: 66 }, 't'))?.reason).toMatch(
        /add up to 67/,
      );
    });

    it('refuses a trade with no items, a repeated device, field or payee, or a fractional amount', () => {
      const item = trade.items[0] as Trade['items'][number];
      expect(thrown(() => parseTrade({ ...trade, items: [] }, 't'))?.reason).toMatch(
        /items must not be empty/,
      );
      expect(
        thrown(() =>
          parseTrade({ ...trade, items: [item, { ...item, fieldCodes: ['88.1.4.F0001'] }] }, 't'),
        )?.reason,
      ).toMatch(/items repeats 88\.1\.1\/D1/);
      expect(
        thrown(() =>
          parseTrade(
            { ...trade, items: [{ ...item, fieldCodes: ['88.1.4.F0001', '88.1.4.F0001'] }] },
            't',
          ),
        )?.reason,
      ).toMatch(/fieldCodes repeats/);
      expect(
        thrown(() => parseTrade({ ...trade, items: [{ ...item, fieldCodes: [] }] }, 't'))?.code,
      ).toBe('INVALID_ARGUMENT');
      expect(
        thrown(() => parseTrade({ ...trade, payees: [trade.payees[0], trade.payees[0]] }, 't'))
          ?.reason,
      ).toMatch(/payees repeats 88\.1\.4/);
      expect(
        thrown(() =>
          parseTrade(
            {
              ...trade,
              payees: [{ systemCode: '88.1.4', grossFen: 55.5, amountFen: 52 }, trade.payees[1]],
            },
            't',
          ),
        )?.reason,
      ).toMatch(/grossFen must be an integer/);
      expect(thrown(() => parseTrade({ ...trade, tradeId: '-bad' }, 't'))?.reason).toMatch(
        /tradeId must be 1-128/,
      );
      expect(thrown(() => parseTrade({ ...trade, deviceId: '88.1.1/D1' }, 't'))?.reason).toMatch(
        /unknown member "deviceId"/,
      );
    });

    it("accepts a trade whose grosses are its resolution's fee standards and whose platform fee covers the commissions", () => {
      expect(check({})).toBeUndefined();
      expect(
        check({
          payees: [
            { systemCode: '88.1.4', grossFen: 55, amountFen: 55 },
            { systemCode: '88.1.3', grossFen: 10, amountFen: 0 },
          ],
          platformFeeFen: 12,
          amountFen: 67,
        }),
      ).toBeUndefined();
    });

    it('refuses a trade whose resolution is missing or was made for another application or function', () => {
      expect(thrown(() => checkTradeAgainstResolution(trade, undefined))?.code).toBe('NOT_FOUND');
      expect(check({ applicationId: 'APP-2' })?.reason).toMatch(/another application or function/);
      expect(check({ function: 'finance' })?.code).toBe('INVALID_ARGUMENT');
    });

    it('refuses a device or field the resolution did not give', () => {
      expect(
        check({ items: [{ deviceId: '88.1.1/D9', fieldCodes: ['88.1.4.F0001'] }] })?.reason,
      ).toMatch(/device 88\.1\.1\/D9 is not part of resolution tx1/);
      expect(
        check({ items: [{ deviceId: '88.1.1/D2', fieldCodes: ['88.1.4.F0002'] }] })?.reason,
      ).toMatch(/field 88\.1\.4\.F0002 was not resolved for device 88\.1\.1\/D2/);
      expect(
        check({ items: [{ deviceId: '88.1.1/D3', fieldCodes: ['88.1.3.F0001'] }] })?.code,
      ).toBe('INVALID_ARGUMENT');
    });

    it('refuses payees other than exactly the holders of the traded fields', () => {
      const [holder, other] = trade.payees as [Trade['payees'][number], Trade['payees'][number]];
      expect(
        check({ payees: [holder, other, { systemCode: '88.1.5', grossFen: 0, amountFen: 0 }] })
          ?.reason,
      ).toMatch(/payee 88\.1\.5 holds none of the traded fields/);
      expect(check({ payees: [holder], platformFeeFen: 15, amountFen: 67 })?.reason).toMatch(
        /system 88\.1\.3 holds traded fields but is not a payee/,
      );
    });

    it("refuses a gross that is not the fee standards' sum, a payee paid more than its gross, and a platform fee short of the commissions", () => {
      const [, other] = trade.payees as [Trade['payees'][number], Trade['payees'][number]];
      expect(
        check({ payees: [{ systemCode: '88.1.4', grossFen: 60, amountFen: 52 }, other] })?.reason,
      ).toMatch(/gross of 60 fen but its traded fields' fee standards add up to 55/);
      expect(
        check({
          payees: [{ systemCode: '88.1.4', grossFen: 50, amountFen: 50 }, other],
          platformFeeFen: 8,
        })?.reason,
      ).toMatch(/add up to 55/);
      expect(
        check({
          payees: [{ systemCode: '88.1.4', grossFen: 55, amountFen: 56 }, other],
          platformFeeFen: 2,
        })?.reason,
      ).toMatch(/more than its gross/);
      expect(check({ platformFeeFen: 3, amountFen: 64 })?.reason).toMatch(
        /platform fee of 3 fen is less than the 4 fen of commissions/,
      );
    });

    it('gives receipts that prove each trade and no altered one', () => {
      const trades = [trade, { ...trade, tradeId: 'T-2' }, { ...trade, tradeId: 'T-3' }];
      const { merkleRoot, receipts } = buildReceipts(trades, 'tx9');
      expect(
        receipts.every(
          (r, i) =>
            r.merkleRoot === merkleRoot &&
            r.txId === 'tx9' &&
            verifyTradeReceipt(trades[i] as Trade, r),
        ),
      ).toBe(true);
      expect(
        verifyTradeReceipt(
          { ...trade, amountFen: 68, platformFeeFen: 7 },
          receipts[0] as (typeof receipts)[0],
        ),
      ).toBe(false);
      expect(verifyTradeReceipt(trades[1] as Trade, receipts[0] as (typeof receipts)[0])).toBe(
        false,
      );
    });
  });
});
