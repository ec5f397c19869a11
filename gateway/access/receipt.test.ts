import { describe, expect, it } from 'vitest';
import { readReceipt, withoutValues, writeReceipt } from './receipt.js';
import type { FieldVerification } from './request-access.js';

const tx1 = 'a'.repeat(64);
const tx2 = 'b'.repeat(64);
const verifications: FieldVerification[] = [
  {
    device: 'D/1',
    field: 'model',
    fieldCode: '88.1.F0001',
    system: '88.1',
    status: 'VERIFIED',
    anchor: { txId: tx1, version: 1, commitment: 'c1' },
    salt: 's1',
    value: 'SV-150K',
  },
  {
    device: 'D/1',
    field: 'ratedPowerW',
    fieldCode: '88.1.F0002',
    system: '88.1',
    status: 'VERIFIED',
    anchor: { txId: tx1, version: 2, commitment: 'c2' },
    salt: 's2',
    value: 150_000,
  },
  {
    device: 'D/2',
    field: 'model',
    fieldCode: '88.1.F0001',
    system: '88.1',
    status: 'TAMPERED',
    anchor: { txId: tx2, version: 1, commitment: 'c3' },
    salt: 's3',
  },
  {
    device: 'D/2',
    field: 'assetStatus',
    fieldCode: '88.5.F0001',
    system: '88.5',
    status: 'UNVERIFIABLE',
    anchor: null,
    salt: null,
  },
];

describe('receipts', () => {
  it('write each anchor transaction once and group values by device and field', () => {
    const receipt = writeReceipt(verifications);
    expect(receipt.anchors).toEqual([tx1, tx2]);
    expect(receipt.values).toEqual({
      'D/1': {
        model: {
          code: '88.1.F0001',
          status: 'VERIFIED',
          anchor: 0,
          version: 1,
          salt: 's1',
          value: 'SV-150K',
        },
        ratedPowerW: {
          code: '88.1.F0002',
          status: 'VERIFIED',
          anchor: 0,
          version: 2,
          salt: 's2',
          value: 150_000,
        },
      },
      'D/2': {
        model: { code: '88.1.F0001', status: 'TAMPERED', anchor: 1, version: 1, salt: 's3' },
        assetStatus: { code: '88.5.F0001', status: 'UNVERIFIABLE', anchor: null, salt: null },
      },
    });
  });

  it('read back what was written, through JSON', () => {
    const saved: unknown = JSON.parse(
      JSON.stringify({ application: 'APP-0001', ...writeReceipt(verifications) }),
    );
    expect(readReceipt(saved)).toEqual(
      verifications.map(({ system: _system, anchor, ...rest }) => ({
        ...rest,
        anchor: anchor ? { txId: anchor.txId, version: anchor.version } : null,
      })),
    );
  });

  it('write a field selected under two aliases once', () => {
    const first = verifications[0] as FieldVerification;
    expect(Object.keys(writeReceipt([first, { ...first }]).values['D/1'] ?? {})).toEqual(['model']);
  });

  it('read receipts saved in the earlier format, a list of fields', () => {
    const fields = [
      {
        device: 'D/1',
        field: 'model',
        fieldCode: '88.1.F0001',
        system: '88.1',
        status: 'VERIFIED',
        anchor: { txId: tx1, version: 1, commitment: 'c1' },
        salt: 's1',
        value: 'SV-150K',
      },
    ];
    expect(readReceipt({ fields })).toEqual(fields);
  });

  it('read nothing from malformed receipts, and an anchor index that points nowhere as no anchor', () => {
    for (const bad of [
      null,
      'x',
      42,
      {},
      { anchors: 'x', values: {} },
      { anchors: [], values: null },
    ])
      expect(readReceipt(bad)).toEqual([]);
    expect(
      readReceipt({
        anchors: [],
        values: {
          'D/1': { model: { code: 'c', status: 'VERIFIED', anchor: 3, salt: 's', value: 1 } },
        },
      })[0]?.anchor,
    ).toBeNull();
  });

  it('can be emptied of values, keeping the rest', () => {
    expect(withoutValues({ application: 'APP-0001', ...writeReceipt(verifications) })).toEqual({
      application: 'APP-0001',
      anchors: [],
      values: {},
    });
  });
});
