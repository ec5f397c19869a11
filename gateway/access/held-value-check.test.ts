import { describe, expect, it } from 'vitest';
import { checkHeldValues } from './held-value-check.js';
import { readHeldValues } from './held-values.js';
import { UNKNOWN_KEYS, operationKeys, type OperationRequest } from './operation-keys.js';
import type { ReceivedValue } from './receipt.js';

const anchor = { txId: 'a'.repeat(64), version: 1 };
const line = (
  device: string,
  field: string,
  value: unknown,
  status: ReceivedValue['status'] = 'VERIFIED',
): ReceivedValue => ({
  device,
  field,
  fieldCode: '88.1.F0001',
  status,
  anchor,
  salt: 's',
  ...(status === 'VERIFIED' || status === 'UNVERIFIED' ? { value } : {}),
});
const receipt: ReceivedValue[] = [
  line('88.1/A-1', 'model', 'SV-150K'),
  line('88.1/A-1', 'events', [{ at: 't1', code: 'GRID_SAG', note: 'recovered' }]),
  line('88.1/A-2', 'model', 'SV-200K'),
  line('88.1/A-2', 'brand', null, 'TAMPERED'),
];

/** Checks `data` against the receipt above, reading keys through `request` when given. */
function check(
  data: unknown,
  request?: OperationRequest,
  lines: readonly ReceivedValue[] = receipt,
) {
  const devices = new Set(lines.map((l) => l.device));
  const held = readHeldValues(data, {
    keys: request ? operationKeys(request) : UNKNOWN_KEYS,
    soleDevice: devices.size === 1 ? ([...devices][0] ?? null) : null,
  });
  return checkHeldValues(held, lines, request !== undefined);
}

describe('what data holds against its receipt', () => {
  it('matches values, partial selections of object values, and withheld values left null', () => {
    const data = {
      devices: [
        { id: '88.1/A-1', model: 'SV-150K', events: [{ code: 'GRID_SAG' }] },
        { id: '88.1/A-2', kind: 'INVERTER', model: 'SV-200K', brand: null },
      ],
    };
    expect(check(data)).toEqual({ matched: 3, findings: [] });
  });

  it('finds an edited value, an edited member of an object value, and a withheld value filled in', () => {
    const data = {
      devices: [
        { id: '88.1/A-1', model: 'SV-999K', events: [{ code: 'ALL_CLEAR' }] },
        { id: '88.1/A-2', brand: 'Sunvolt' },
      ],
    };
    expect(check(data).findings).toEqual([
      {
        path: 'devices[0].model',
        device: '88.1/A-1',
        field: 'model',
        outcome: 'ALTERED',
        reason: 'differs from the value the receipt states',
      },
      {
        path: 'devices[0].events[0].code',
        device: '88.1/A-1',
        field: 'events',
        outcome: 'ALTERED',
        reason: 'differs from the value the receipt states',
      },
      expect.objectContaining({
        path: 'devices[1].brand',
        outcome: 'ALTERED',
        reason: expect.stringContaining('withheld') as unknown,
      }),
    ]);
  });

  it('finds a released value set to null, an extra array element and a moved device', () => {
    expect(check({ device: { id: '88.1/A-1', model: null } }).findings).toMatchObject([
      { outcome: 'ALTERED', field: 'model' },
    ]);
    expect(
      check({ device: { id: '88.1/A-1', events: [{ code: 'GRID_SAG' }, { code: 'GRID_SAG' }] } })
        .findings,
    ).toMatchObject([{ outcome: 'ALTERED', path: 'device.events' }]);
    expect(check({ device: { id: '88.1/A-2', model: 'SV-150K' } }).findings).toMatchObject([
      { outcome: 'ALTERED', device: '88.1/A-2' },
    ]);
  });

  it('maps aliases, nested aliases and fragments through the request, and catches a swap', () => {
    const request = {
      query:
        'query ($d: ID!) { x: device(id: $d) { ...F } } fragment F on Device { m: model ev: events { c: code n: note } }',
      variables: { d: '88.1/A-1' },
    };
    expect(
      check({ x: { m: 'SV-150K', ev: [{ c: 'GRID_SAG', n: 'recovered' }] } }, request),
    ).toEqual({ matched: 2, findings: [] });
    expect(
      check({ x: { m: 'SV-150K', ev: [{ c: 'recovered', n: 'GRID_SAG' }] } }, request).findings,
    ).toMatchObject([{ outcome: 'ALTERED', path: 'x.ev[0].c', field: 'events' }]);
  });

  it('finds the device of an object without id from the argument, a variable default or the list position', () => {
    expect(
      check(
        { d: { model: 'SV-200K' } },
        { query: 'query ($d: ID = "88.1/A-2") { d: device(id: $d) { model } }' },
      ),
    ).toEqual({ matched: 1, findings: [] });
    expect(
      check(
        { devices: [{ model: 'SV-150K' }, null, { model: 'SV-200K' }] },
        { query: '{ devices(ids: ["88.1/A-1", "88.1/X-9", "88.1/A-2"]) { model } }' },
      ),
    ).toEqual({ matched: 2, findings: [] });
    expect(
      check(
        { devices: [{ model: 'SV-200K' }, { model: 'SV-150K' }] },
        { query: '{ devices(ids: ["88.1/A-1", "88.1/A-2"]) { model } }' },
      ).findings,
    ).toHaveLength(2);
  });

  it('reports as UNCHECKED what the saved response alone cannot tell: an alias, a device without id', () => {
    expect(check({ device: { id: '88.1/A-1', m: 'SV-150K' } }).findings).toMatchObject([
      { outcome: 'UNCHECKED', field: 'm', reason: expect.stringContaining('--query') as unknown },
    ]);
    expect(
      check({ device: { id: '88.1/A-1', events: [{ c: 'GRID_SAG' }] } }).findings,
    ).toMatchObject([{ outcome: 'UNCHECKED', path: 'device.events[0].c' }]);
    expect(check({ a: { model: 'SV-150K' }, b: { model: 'SV-200K' } }).findings).toMatchObject([
      { outcome: 'UNCHECKED', device: null },
      { outcome: 'UNCHECKED', device: null },
    ]);
    // With one device in the receipt, an object without id can only be that device.
    expect(
      check({ device: { model: 'SV-200K' } }, undefined, [line('88.1/A-2', 'model', 'SV-200K')]),
    ).toEqual({ matched: 1, findings: [] });
  });

  it('reports values no receipt entry vouches for, inside and outside device objects', () => {
    const request = { query: '{ device(id: "88.1/A-1") { id model ratedPowerW } }' };
    expect(
      check(
        {
          device: { id: '88.1/A-1', model: 'SV-150K', ratedPowerW: 150_000, injected: 1 },
          note: 'certified',
        },
        request,
      ).findings,
    ).toEqual([
      {
        path: 'device.injected',
        device: null,
        field: null,
        outcome: 'NOT_IN_RECEIPT',
        reason: 'a value outside any device field',
      },
      {
        path: 'note',
        device: null,
        field: null,
        outcome: 'NOT_IN_RECEIPT',
        reason: 'a value outside any device field',
      },
      {
        path: 'device.ratedPowerW',
        device: '88.1/A-1',
        field: 'ratedPowerW',
        outcome: 'NOT_IN_RECEIPT',
        reason: 'the receipt has no entry for this device and field',
      },
    ]);
  });

  it('compares a value selected without a sub-selection whole, in canonical JSON', () => {
    const lines = [line('88.1/A-1', 'settings', { b: 1, a: [true, null] })];
    expect(
      check(
        { device: { id: '88.1/A-1', settings: { a: [true, null], b: 1 } } },
        { query: '{ device(id: "88.1/A-1") { id settings } }' },
        lines,
      ),
    ).toEqual({ matched: 1, findings: [] });
    expect(
      check(
        { device: { id: '88.1/A-1', settings: { a: [true, null] } } },
        { query: '{ device(id: "88.1/A-1") { id settings } }' },
        lines,
      ).findings,
    ).toMatchObject([{ outcome: 'ALTERED' }]);
  });

  it('refuses a request that does not parse or does not name one operation', () => {
    expect(() => operationKeys({ query: '{ device(' })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }) as Error,
    );
    expect(() => operationKeys({ query: 'query A { a } query B { b }' })).toThrow(/operationName/);
    expect(() => operationKeys({ query: 'query A { a }', operationName: 'B' })).toThrow(
      /no operation named B/,
    );
  });
});
