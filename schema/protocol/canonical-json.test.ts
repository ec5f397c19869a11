import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { GridmarkError } from './errors.js';

/** The IEEE 754 double whose bits are the 16 hex digits given. */
function double(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

function refusal(value: unknown): GridmarkError | undefined {
  try {
    canonicalJson(value);
  } catch (error) {
    if (error instanceof GridmarkError) return error;
    throw error;
  }
  return undefined;
}

describe('canonical JSON (RFC 8785)', () => {
  it('writes the RFC main example as the RFC does', () => {
    // RFC 8785 section 3.2.4: whitespace gone, members sorted, numbers and strings normalised.
    const input = JSON.parse(
      '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false] }',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units, not by code points (RFC section 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(input);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((name) =>
      text.indexOf(JSON.stringify(name)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // RFC 8785 appendix B: IEEE 754 values and their canonical text.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double %s as %s', (bits, text) => {
    expect(canonicalJson(double(bits))).toBe(text);
  });

  it('refuses NaN and the infinities (RFC appendix B), naming where they sit', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      const error = refusal({ a: [1, double(bits)] });
      expect(error?.code, bits).toBe('BAD_JSON_VALUE');
      expect(error?.details).toEqual({ path: '$.a[1]' });
    }
  });

  it('refuses lone surrogates in values and in member names, and keeps pairs', () => {
    for (const value of ['\ud800', 'x\udc00', '\ude00\ud83d', { ['\ud83d']: 1 }, ['ok', '\udfff']])
      expect(refusal(value)?.code, JSON.stringify(value)).toBe('BAD_JSON_VALUE');
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });

  it('writes -0 as 0, leaves out undefined members, refuses what JSON has no form for', () => {
    expect(canonicalJson({ z: -0, y: undefined, x: [] })).toBe('{"x":[],"z":0}');
    for (const value of [1n, () => 1, Symbol('s'), [undefined]])
      expect(refusal(value)?.code).toBe('BAD_JSON_VALUE');
  });

  it('escapes control characters as RFC 8785 (ECMAScript JSON.stringify) does', () => {
    expect(canonicalJson('\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f"\\/')).toBe(
      '"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f\\"\\\\/"',
    );
  });
});
