/**
 * China's unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a
 * check character computed from the other 17 with weights 3^i mod 31 over a 31-character alphabet
 * that leaves out I, O, S, V and Z.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** Registration authority (1 char), organisation type (1), division code (6 digits), organisation code (9), check (1). */
const SHAPE = /^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/;

/** Why a credit code was refused, or `ok`. */
export type CreditCodeCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The check character for the first 17 characters of a code. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) throw new RangeError(`"${first17[i] ?? ''}" is not a credit-code character`);
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return ALPHABET[(31 - (sum % 31)) % 31] ?? '0';
}

/** Checks the shape and the check character of a unified social credit code. */
export function checkCreditCode(code: string): CreditCodeCheck {
  if (!SHAPE.test(code)) {
    return {
      ok: false,
      reason:
        'a unified social credit code is 18 characters of 0-9 and A-Z without I, O, S, V, Z, with six digits in positions 3-8',
    };
  }
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  return code[17] === expected
    ? { ok: true }
    : { ok: false, reason: `the check character is wrong (expected ${expected})` };
}
