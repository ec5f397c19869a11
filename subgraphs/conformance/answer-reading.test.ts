import { describe, expect, it } from 'vitest';
import { codeOf, printable } from './answer-reading.js';

describe("repeating a system's own text in a reason", () => {
  it('turns line breaks, terminal escapes and bidirectional marks into ? and clips it', () => {
    expect(printable('EXPIRED\n\u001b[2Jfake\u202e\u2028')).toBe('EXPIRED??[2Jfake??');
    expect(printable('x'.repeat(200))).toBe(`${'x'.repeat(57)}...`);
    expect(printable({ a: 1 })).toBe('{"a":1}');
  });

  it("reads an error's code and reason as printable text", () => {
    expect(codeOf({ extensions: { code: 'GRANT_REFUSED\r\n', reason: 'NOT\tCOVERED' } })).toEqual({
      code: 'GRANT_REFUSED??',
      reason: 'NOT?COVERED',
    });
    expect(codeOf({ extensions: { code: 7 } })).toEqual({ code: 'no code' });
  });
});
