import { describe, expect, it } from 'vitest';
import type { Resolution } from '../../ledger-adapter/index.js';
import { chargeDelivered, quoteQuery } from './pricing.js';
import type { Tariff } from './tariff.js';

const resolution: Resolution = {
  resolutionId: 'r'.repeat(64),
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  resolvedAt: '2026-12-01T00:00:00.000Z',
  totalFeeFen: 0,
  devices: [
    {
      deviceId: 'D/1',
      fields: [
        { fieldCode: 'S1.F0001', systemCode: 'S1', coordinate: 'Device.model', feeFen: 7 },
        { fieldCode: 'S2.F0001', systemCode: 'S2', coordinate: 'Device.outputPowerW', feeFen: 33 },
        { fieldCode: 'S2.F0002', systemCode: 'S2', coordinate: 'Device.events', feeFen: 100 },
      ],
    },
    {
      deviceId: 'D/2',
      fields: [{ fieldCode: 'S1.F0001', systemCode: 'S1', coordinate: 'Device.model', feeFen: 7 }],
    },
  ],
};
const tariff: Tariff = { commissionBasisPoints: 1_000, resolutionFeeFen: 5, registrationFeeFen: 0 };
const everyone = (): boolean => true;

describe('pricing', () => {
  it('quotes only the selected fields the resolution gives, from billable systems', () => {
    const quote = quoteQuery(resolution, new Set(['model', 'outputPowerW']), tariff, everyone);
    expect(quote.fields.map((f) => [f.deviceId, f.field, f.feeFen])).toEqual([
      ['D/1', 'model', 7],
      ['D/1', 'outputPowerW', 33],
      ['D/2', 'model', 7],
    ]);
    expect(quote).toMatchObject({ fieldFeesFen: 47, resolutionFeeFen: 5, totalFen: 52 });
    const withoutS2 = quoteQuery(
      resolution,
      new Set(['model', 'outputPowerW']),
      tariff,
      (_field, code) => code !== 'S2',
    );
    expect(withoutS2.totalFen).toBe(7 + 7 + 5);
    expect(
      quoteQuery(resolution, new Set(['events']), tariff, (_field, code) => code !== 'S2'),
    ).toMatchObject({ fields: [], totalFen: 0 });
  });

  it('charges the verified values only, with the commission rounded down for the platform', () => {
    const quote = quoteQuery(resolution, new Set(['model', 'outputPowerW']), tariff, everyone);
    const charge = chargeDelivered(
      quote,
      [
        { device: 'D/1', fieldCode: 'S2.F0001' },
        { device: 'D/1', fieldCode: 'S1.F0001' },
        { device: 'D/1', fieldCode: 'S1.F0001' },
      ],
      tariff,
    );
    expect(charge).toEqual({
      items: [{ deviceId: 'D/1', fieldCodes: ['S1.F0001', 'S2.F0001'] }],
      payees: [
        { systemCode: 'S1', grossFen: 7, amountFen: 7 },
        { systemCode: 'S2', grossFen: 33, amountFen: 30 },
      ],
      platformFeeFen: 3 + 5,
      amountFen: 7 + 30 + 8,
    });
    expect(charge?.amountFen).toBeLessThanOrEqual(quote.totalFen);
  });

  it('does not charge a query that delivered nothing verified, nor values it did not quote', () => {
    const quote = quoteQuery(resolution, new Set(['model']), tariff, everyone);
    expect(chargeDelivered(quote, [], tariff)).toBeUndefined();
    expect(
      chargeDelivered(quote, [{ device: 'D/1', fieldCode: 'S2.F0002' }], tariff),
    ).toBeUndefined();
  });
});
