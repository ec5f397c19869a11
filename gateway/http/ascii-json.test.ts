import { describe, expect, it } from 'vitest';
import { stringifyAsciiJson } from './ascii-json.js';

describe('stringifyAsciiJson', () => {
  it('writes the same text as JSON.stringify for ASCII content', () => {
    const value = {
      data: { devices: [{ id: 'a', n: 1.5, list: [1, null, { x: true }] }, null] },
      errors: undefined,
      extensions: { gridmark: { fields: [], n: 0 } },
      '2': 'integer-like key first',
    };
    expect(stringifyAsciiJson(value)).toBe(JSON.stringify(value));
    expect(stringifyAsciiJson([undefined, () => 1, 'x'])).toBe(
      JSON.stringify([undefined, () => 1, 'x']),
    );
    expect(stringifyAsciiJson({ when: new Date(0), skip: undefined, f: () => 1 })).toBe(
      JSON.stringify({ when: new Date(0), skip: undefined, f: () => 1 }),
    );
    expect(stringifyAsciiJson(Object.assign(Object.create(null) as object, { a: [1] }))).toBe(
      '{"a":[1]}',
    );
    expect(stringifyAsciiJson('text')).toBe('"text"');
  });

  it('escapes every character outside ASCII, so the text reads back as the same value', () => {
    const value = {
      fault: 'Low insulation resistance (0.21 MΩ)',
      place: ['逆变器 1', 'café', '🌞'],
      schlüssel: 1,
    };
    const text = stringifyAsciiJson(value);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).toContain('0.21 M\\u03a9');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('returns one byte per character however large the value', () => {
    const fields = Array.from({ length: 300 }, (_, i) => ({
      device: `88.1001.1/PVI-${i}`,
      status: 'VERIFIED',
      value: i % 50 === 0 ? '0.21 MΩ' : 'x'.repeat(300),
    }));
    const text = stringifyAsciiJson({ extensions: { gridmark: { fields } } });
    expect(Buffer.byteLength(text)).toBe(text.length);
    expect(JSON.parse(text)).toEqual({ extensions: { gridmark: { fields } } });
  });

  it('escapes deep inside a receipt of values per device and field, and keeps its text', () => {
    const values = Object.fromEntries(
      Array.from({ length: 40 }, (_, d) => [
        `88.1001.1/PVI-${d}`,
        {
          fault: {
            code: '88.1001.4.F0003',
            status: 'VERIFIED',
            salt: 's',
            value: d === 7 ? 'Low insulation (0.21 MΩ)' : null,
          },
        },
      ]),
    );
    const response = {
      data: { devices: [{ id: 'x' }] },
      extensions: { gridmark: { anchors: ['t'], values } },
    };
    const text = stringifyAsciiJson(response);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).toContain('0.21 M\\u03a9');
    expect(JSON.parse(text)).toEqual(response);
    const ascii = {
      ...response,
      extensions: {
        gridmark: { anchors: ['t'], values: { ...values, '88.1001.1/PVI-7': { fault: null } } },
      },
    };
    expect(stringifyAsciiJson(ascii)).toBe(JSON.stringify(ascii));
  });
});
