import { describe, expect, it } from 'vitest';
import { GridmarkError } from './errors.js';
import { AmountLiteral, MAX_AMOUNT_FEN, requireAmountFen, sumFen } from './money.js';

function refusal(work: () => unknown): GridmarkError {
  try {
    work();
  } catch (error) {
    if (error instanceof GridmarkError) return error;
    throw error;
  }
  throw new Error('accepted');
}
const literal = (text: string): number => requireAmountFen(new AmountLiteral(text), 'amountFen');

describe('amounts of money', () => {
  it('takes whole fen up to the largest safe integer, and nothing above it', () => {
    expect(requireAmountFen(MAX_AMOUNT_FEN, 'amountFen')).toBe(Number.MAX_SAFE_INTEGER);
    expect(refusal(() => requireAmountFen(MAX_AMOUNT_FEN + 1, 'amountFen'))).toMatchObject({
      code: 'BAD_AMOUNT',
      details: { field: 'amountFen' },
    });
    expect(refusal(() => requireAmountFen(1e300, 'creditLimitFen'))).toMatchObject({
      code: 'BAD_AMOUNT',
      details: { field: 'creditLimitFen' },
    });
  });

  it('judges an amount written in a query on its exact text, not on the double it rounds to', () => {
    expect(literal('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(literal('1e3')).toBe(1000);
    expect(literal('150e-1')).toBe(15);
    expect(literal('12.00')).toBe(12);
    expect(literal('-0')).toBe(0);
    expect(literal('0e999999999')).toBe(0);
    // Each of these reads as a whole, safe number of fen once it is a double.
    expect(refusal(() => literal('9007199254740990.6')).message).toContain('has a fraction');
    expect(refusal(() => literal('4503599627370495.2')).message).toContain('has a fraction');
    expect(refusal(() => literal('1.0000000000000000001')).message).toContain('has a fraction');
    expect(refusal(() => literal('9007199254740993')).message).toContain(
      'larger than gridmark handles',
    );
    expect(refusal(() => literal('9007199254740992')).message).toContain(
      'larger than gridmark handles',
    );
    expect(refusal(() => literal('1e400')).message).toContain('larger than gridmark handles');
    expect(refusal(() => literal('1e-400')).message).toContain('has a fraction');
    expect(refusal(() => literal('-5')).message).toContain('must not be negative');
    expect(refusal(() => literal('0x10')).code).toBe('BAD_AMOUNT');
  });

  it('refuses a sum that a double can no longer hold exactly', () => {
    expect(sumFen([MAX_AMOUNT_FEN - 1, 1], 'totalFen')).toBe(MAX_AMOUNT_FEN);
    expect(refusal(() => sumFen([MAX_AMOUNT_FEN, 1], 'totalFen'))).toMatchObject({
      code: 'BAD_AMOUNT',
      details: { field: 'totalFen' },
    });
  });
});
