import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckCharacter } from './credit-code.js';

describe('unified social credit code', () => {
  it('accepts codes whose check character is right', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ ok: true });
    expect(checkCreditCode('91640100MA77LQ3F21')).toEqual({ ok: true });
  });

  it('names the expected check character when it is wrong', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({
      ok: false,
      reason: 'the check character is wrong (expected 3)',
    });
  });

  it.each([
    '',
    '91350100M000100Y4',
    '91350100M000100Y433',
    '91350100M00010OY43',
    '9135010XM000100Y43',
    '91350100m000100y43',
  ])('refuses the malformed code %j', (code) => {
    expect(checkCreditCode(code).ok).toBe(false);
  });

  it('maps a check value of 31 to 0, as the standard says', () => {
    // Find a prefix whose weighted sum is a multiple of 31.
    const base = '9164010000000000';
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const last = [...alphabet].find((c) => creditCodeCheckCharacter(base + c) === '0');
    expect(last).toBeDefined();
    expect(checkCreditCode(`${base}${last ?? ''}0`).ok).toBe(true);
  });
});
