import { GridmarkError } from '../../schema/index.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Reads a duration such as `7d`, `12h`, `30m`, `45s` or `500ms` (a bare number is milliseconds).
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming `option` for anything else.
 * @example parseDuration('7d', '--overlap') // 604800000
 */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${option}: expected a duration such as 7d, 12h, 30m, 45s or 500ms, not "${text}".`,
    );
  return value;
}
