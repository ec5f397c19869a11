import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { parseAmountOption } from './amount-option.js';

function refusal(text: string): GridmarkError {
  try {
    parseAmountOption(text, 'amount-fen');
  } catch (error) {
    if (error instanceof GridmarkError) return error;
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('an amount typed on the command line', () => {
  it('reads decimal digits as whole fen', () => {
    expect(parseAmountOption('250', 'amount-fen')).toBe(250);
    expect(parseAmountOption('0', 'fen')).toBe(0);
    expect(parseAmountOption('007', 'fen')).toBe(7);
    expect(parseAmountOption('9007199254740991', 'fen')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    '1e3',
    '0x10',
    '0b11',
    '0o7',
    ' 7',
    '7 ',
    '12.',
    '12.5',
    '-5',
    '+5',
    '1_000',
    'Infinity',
    'NaN',
    '',
    '١٢',
  ])('refuses "%s" with BAD_AMOUNT naming the option', (text) => {
    const error = refusal(text);
    expect(error.code).toBe('BAD_AMOUNT');
    expect(error.details).toEqual({ field: 'amount-fen' });
    expect(error.message).toContain('--amount-fen');
  });

  it('refuses amounts above the largest safe integer, also those a double would round into range', () => {
    expect(refusal('9007199254740992').code).toBe('BAD_AMOUNT');
    expect(refusal('9007199254740993').message).toMatch(/larger than gridmark handles/);
    expect(refusal('99999999999999999999999').code).toBe('BAD_AMOUNT');
  });
});
