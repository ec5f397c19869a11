import { GridmarkError } from '../../schema/index.js';

/** A period as a caller gives it: either end may be left open. */
export interface PeriodInput {
  readonly from?: string | null;
  readonly to?: string | null;
}

/**
 * The period `[from, to)` a caller asked for, as ISO 8601 times: from the epoch and until now when
 * left open.
 *
 * @throws GridmarkError BAD_INPUT when an end is not a date or time, or the period ends before it starts
 * @example periodOf({ from: '2026-12-01' }) // { from: '2026-12-01T00:00:00.000Z', to: <now> }
 */
export function periodOf(input: PeriodInput): { from: string; to: string } {
  const from = input.from ? requireTime(input.from, 'from') : '1970-01-01T00:00:00.000Z';
  const to = input.to ? requireTime(input.to, 'to') : new Date(Date.now() + 1).toISOString();
  if (to <= from)
    throw new GridmarkError('BAD_INPUT', `the period ends (${to}) before it starts (${from}).`, {
      details: { field: 'to' },
    });
  return { from, to };
}

/**
 * A payment reference as the bank or payment system gave it.
 *
 * @throws GridmarkError BAD_INPUT unless it is 1-128 characters of A-Z a-z 0-9 . _ : / -
 */
export function requirePaymentReference(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(value)) {
    throw new GridmarkError(
      'BAD_INPUT',
      "paymentReference must be 1-128 characters of A-Z a-z 0-9 . _ : / - (the bank or payment system's reference).",
      { details: { field: 'paymentReference' } },
    );
  }
  return value;
}

function requireTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new GridmarkError(
      'BAD_INPUT',
      `${field} must be an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z.`,
      { details: { field } },
    );
  return new Date(ms).toISOString();
}
