import { GridmarkError } from './errors.js';

/** The largest amount of money gridmark handles, in fen: exact in a double, and in SQLite's INTEGER. */
export const MAX_AMOUNT_FEN = Number.MAX_SAFE_INTEGER;

/**
 * An amount written in a GraphQL query as a literal, kept as its text: a double cannot tell
 * `9007199254740990.6` from `9007199254740991`, so the text is judged exactly
 * ({@link requireAmountFen}). Amounts in JSON variables arrive as numbers and are judged as such.
 */
export class AmountLiteral {
  constructor(readonly text: string) {}
}

/** GraphQL's Int and Float literal syntax. */
const NUMBER_LITERAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** The exact value of a numeric literal as whole fen, or why it is none. */
function literalFen(text: string, field: string): number {
  const parts = NUMBER_LITERAL.exec(text);
  if (!parts) throw badAmount(field, `${field} must be a number of fen.`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = parts;
  const digits = `${whole}${fraction}`.replace(/^0+(?=.)/, '');
  const scale = Number(exponent) - fraction.length;
  let value: bigint;
  if (digits === '0') value = 0n;
  else if (scale >= 0) {
    if (digits.length + scale > 20)
      throw badAmount(field, `${field} is larger than gridmark handles.`);
    value = BigInt(digits) * 10n ** BigInt(scale);
  } else {
    const kept = digits.length + scale;
    if (!/^0*$/.test(digits.slice(Math.max(kept, 0))))
      throw badAmount(
        field,
        `${field} must be a whole number of fen (1 yuan = 100 fen); ${text} has a fraction.`,
      );
    value = kept > 0 ? BigInt(digits.slice(0, kept)) : 0n;
  }
  if (sign === '-' && value > 0n) throw badAmount(field, `${field} must not be negative.`);
  if (value > BigInt(MAX_AMOUNT_FEN))
    throw badAmount(field, `${field} is larger than gridmark handles.`);
  return Number(value);
}

/**
 * An amount of money: an integer number of fen (0.01 yuan), never a fraction, never negative,
 * never above {@link MAX_AMOUNT_FEN}; with `positive`, also not zero. An {@link AmountLiteral}
 * is judged on its exact text.
 *
 * @throws GridmarkError `BAD_AMOUNT` naming the field
 */
export function requireAmountFen(
  value: unknown,
  field: string,
  options: { readonly positive?: boolean } = {},
): number {
  if (value instanceof AmountLiteral) value = literalFen(value.text, field);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badAmount(field, `${field} must be a number of fen.`);
  if (!Number.isInteger(value))
    throw badAmount(
      field,
      `${field} must be a whole number of fen (1 yuan = 100 fen); ${value} has a fraction.`,
    );
  if (value < 0) throw badAmount(field, `${field} must not be negative.`);
  if (options.positive && value === 0) throw badAmount(field, `${field} must be more than 0.`);
  if (value > MAX_AMOUNT_FEN) throw badAmount(field, `${field} is larger than gridmark handles.`);
  return value;
}

/**
 * The sum of amounts, refused when it is larger than gridmark handles exactly (a double above
 * {@link MAX_AMOUNT_FEN} no longer holds every integer).
 *
 * @throws GridmarkError `BAD_AMOUNT` naming `field`
 */
export function sumFen(amounts: Iterable<number>, field: string): number {
  let total = 0;
  for (const amount of amounts) {
    total += amount;
    if (!Number.isSafeInteger(total))
      throw badAmount(
        field,
        `${field} is larger than gridmark handles (at most ${MAX_AMOUNT_FEN} fen).`,
      );
  }
  return total;
}

function badAmount(field: string, message: string): GridmarkError {
  return new GridmarkError('BAD_AMOUNT', message, { details: { field } });
}

/** `12345` fen as `"123.45"` yuan, for people (amounts stay integer fen everywhere else). */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
