import { GridmarkError } from '../../schema/index.js';

/** The largest amount of money gridmark handles, in fen: exact in a double, and in SQLite's INTEGER. */
export const MAX_AMOUNT_FEN = Number.MAX_SAFE_INTEGER;

/**
 * An amount of money: an integer number of fen (0.01 yuan), never a fraction, never negative;
 * with `positive`, also not zero.
 *
 * @throws GridmarkError `BAD_AMOUNT` naming the field
 */
export function requireAmountFen(value: unknown, field: string, options: { readonly positive?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badAmount(field, `${field} must be a number of fen.`);
  if (!Number.isInteger(value)) throw badAmount(field, `${field} must be a whole number of fen (1 yuan = 100 fen); ${value} has a fraction.`);
  if (value < 0) throw badAmount(field, `${field} must not be negative.`);
  if (options.positive && value === 0) throw badAmount(field, `${field} must be more than 0.`);
  if (value > MAX_AMOUNT_FEN) throw badAmount(field, `${field} is larger than gridmark handles.`);
  return value;
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
