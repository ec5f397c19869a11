import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { GridmarkError } from './errors.js';
import { commitField, newSalt } from './field-commitment.js';

const base = {
  deviceId: '88.1001.1/PVI-000001',
  fieldCode: '88.1001.3.F0002',
  salt: 'c2FsdHNhbHRzYWx0c2FsdA',
  value: 68593.2,
};

describe('field commitments', () => {
  it('is deterministic for the same device, field, salt and value', () => {
    expect(commitField(base)).toBe(commitField({ ...base }));
    expect(commitField(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the preimage anchored values were committed with (a known commitment)', () => {
    const value = [
      { time: '2024-06-11T02:30:00.000Z', fault: 'Low insulation resistance (0.21 MΩ)' },
    ];
    expect(
      commitField({
        deviceId: '88.1001.1/PVI-000001',
        fieldCode: '88.1001.4.F0002',
        salt: 'OxZkFVjxEqdFdFwRfUKs7w',
        value,
      }),
    ).toBe('9377525580b10d745eb8bf98f5ac5bf7bd032f2d10e39ca8b840067efdf14fd8');
    expect(
      commitField({
        deviceId: '88.1001.1/PVI-000001',
        fieldCode: '88.1001.3.F0001',
        salt: 'abc',
        value: 1.5,
      }),
    ).toBe('4198ee23332572ae1751af4ad0a19ca381012264066ac760ff7f27c1be574d13');
  });

  // Computed with the commitment code as it stood before its value part was named RFC 8785
  // canonical JSON: ordinary values hash as they always did, so existing anchors keep verifying.
  it.each([
    [null, '4a3b2b7d80db927478bd762e3ce1d37ecc31a244dc43fdb3280e46422b59d6c0'],
    [true, '382ce6f9f64690aa35438e18f206033e85f867ec2f3be06f8298fe4cabe5d55d'],
    [false, 'ff4adb26a648f39cffc4c071adf2f89716d4417ce5322624319d3adeddf037b4'],
    [0, 'b4ed83c6b6dcdaba7293b8d1acf94026c87c493fdcb03353464eee3c86fc2e3f'],
    [-0, 'b4ed83c6b6dcdaba7293b8d1acf94026c87c493fdcb03353464eee3c86fc2e3f'],
    [1, '2afc00de02efac7d6c8619a6526a5c8179732a93505bf0bb84788fe7de61c178'],
    [-1.5, '4b5f6d0eb3c758cfa535f509b249b7920729190339f45606848b1014fc13d702'],
    [0.1, 'd72ac6a62cf7e30ab74c10ab64c865d43c3ac8892db93b870416fb0a417caa07'],
    [1e21, 'f7484b3ec4505ca94c170e66a0d5e71b7c84b9fdbf52eedd60b04198205d7f1c'],
    [1e-7, '96914c5ca94d3e2e4bb851589344c9e832fd6d97a56db86d5ffd00d71b72cbb6'],
    [123456789012345680000, '8e1f8d001f3bf8b1c818709c478549460183616a8296e7c05fa365e931b301dc'],
    [5e-324, 'dd90f0c8003abcbe99fc57895afb98577f398918a770144f0aeb9a18fa7203c0'],
    ['PV inverter 逆变器', '3ea1dbf0cbac1e2498a6bc6f932dad8b64293be299953cb09e2451bcaa306456'],
    ['é\u0000\n"\\', '2621d8fc7c5c8bf7f78d6556e72b35acc0ecf7c8d5a65ee8e2f47009cd297c71'],
    ['😀', '99657923c7959146e872f83a7b7496a5e12dd188625455335f11b02e7f7a53f7'],
    [[], 'fc6aa1c6fe85ac9041f9c3d9ffe7da5bec8abea6f0ad1b58078b9344d00666e9'],
    [{}, '2fa51b273769a9cd8f8a7028c9fde02660641fd8e57ecb60c036bb42a3a97398'],
    [[1, 'a', null], '51877f04f1fff477ec25e46b6c6e41cc02ebd997dc8a294fd20cb065d9edfc34'],
    [
      { b: 1, a: [{ z: 'x', y: 2 }] },
      '425a7f1401e573024bc5d69461bcc8a62fcd6f48c3f07373a8f42109cf16bf35',
    ],
    [
      { '1': 4, '€': 1, '\r': 2, ö: 3, a: 5, '😂': 6, ﬂ: 7 },
      '19bceed7c035addccce1b622ef13d6f1e1498fcc5a7fbaf7b6879aefd5f26a8a',
    ],
  ] as [unknown, string][])(
    'commits to %j as before canonical JSON was named',
    (value, expected) => {
      expect(
        commitField({
          deviceId: '88.1001.1/PVI-000001',
          fieldCode: '88.1001.3.F0002',
          salt: 'OxZkFVjxEqdFdFwRfUKs7w',
          value,
        }),
      ).toBe(expected);
    },
  );

  it('changes with any one of value, salt, device or field', () => {
    const reference = commitField(base);
    for (const change of [
      { value: 68593.3 },
      { value: '68593.2' },
      { salt: newSalt() },
      { deviceId: '88.1001.1/PVI-000002' },
      { fieldCode: '88.1001.3.F0003' },
    ]) {
      expect(commitField({ ...base, ...change }), JSON.stringify(change)).not.toBe(reference);
    }
  });

  it('cannot be confused by moving text between parts', () => {
    expect(commitField({ ...base, deviceId: 'a', fieldCode: 'bc' })).not.toBe(
      commitField({ ...base, deviceId: 'ab', fieldCode: 'c' }),
    );
  });

  it('commits to objects whatever their key order', () => {
    const a = [{ time: 't', fault: null, remedy: 'r', technician: 'w' }];
    const b = [{ technician: 'w', remedy: 'r', fault: null, time: 't' }];
    expect(commitField({ ...base, value: a })).toBe(commitField({ ...base, value: b }));
    expect(canonicalJson(b)).toBe('[{"fault":null,"remedy":"r","technician":"w","time":"t"}]');
  });

  it('refuses values a GraphQL response cannot carry, with BAD_JSON_VALUE', () => {
    for (const value of [Number.NaN, 1n, 'a\uD800b', { ['\uDC00']: 1 }]) {
      const error = (() => {
        try {
          commitField({ ...base, value });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, typeof value).toBeInstanceOf(GridmarkError);
      expect((error as GridmarkError).code).toBe('BAD_JSON_VALUE');
    }
  });

  it('gives every anchor its own salt', () => {
    expect(new Set(Array.from({ length: 100 }, newSalt)).size).toBe(100);
  });
});
