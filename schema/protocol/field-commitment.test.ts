import { describe, expect, it } from 'vitest';
import { commitField, newSalt, stableJson } from './field-commitment.js';

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
    expect(stableJson(b)).toBe('[{"fault":null,"remedy":"r","technician":"w","time":"t"}]');
  });

  it('refuses values a GraphQL response cannot carry', () => {
    expect(() => commitField({ ...base, value: Number.NaN })).toThrow(TypeError);
    expect(() => commitField({ ...base, value: 1n })).toThrow(TypeError);
  });

  it('gives every anchor its own salt', () => {
    expect(new Set(Array.from({ length: 100 }, newSalt)).size).toBe(100);
  });
});
