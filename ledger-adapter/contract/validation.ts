import { ContractError } from './contract-error.js';

/*
 * Input checks shared by every transaction. The contract is the last line of defence, so each
 * argument is parsed and checked here whatever the client already checked. The syntaxes mirror
 * `schema/identifier.ts`; the contract keeps its own copy so that it packages as chaincode with
 * no dependency outside this folder (a test keeps the two in step).
 */

const SYSTEM_CODE = /^(?:0|[1-9]\d{0,9})(?:\.(?:0|[1-9]\d{0,9})){1,7}$/;
const SUFFIX = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const FIELD_CODE = /^((?:0|[1-9]\d{0,9})(?:\.(?:0|[1-9]\d{0,9})){1,7})\.F(\d{4,10})$/;
const COORDINATE = /^Device\.[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const APPLICATION_ID = /^APP-[A-Z0-9-]{1,32}$/;
const NAME = /^[a-z0-9_-]{1,64}$/;
const COMMITMENT = /^[0-9a-f]{64}$/;
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MAX_IDENTIFIER_LENGTH = 200;
/** The largest amount in fen the contract accepts (10^15 fen, ten trillion yuan). */
export const MAX_FEN = 1_000_000_000_000_000;

/** Parses one JSON argument. @throws ContractError INVALID_ARGUMENT */
export function parseArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ContractError('INVALID_ARGUMENT', `${what} must be JSON`);
  }
}

/** A plain object with exactly the named keys (optional ones may be absent). */
export function expectObject(
  value: unknown,
  what: string,
  keys: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractError('INVALID_ARGUMENT', `${what} must be an object`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key) && !optional.includes(key))
      throw new ContractError('INVALID_ARGUMENT', `${what} has an unknown member "${clip(key)}"`);
  }
  for (const key of keys) {
    if (!(key in record)) throw new ContractError('INVALID_ARGUMENT', `${what} lacks "${key}"`);
  }
  return record;
}

/** An array of 1..max items (0..max when `allowEmpty`). */
export function expectArray(
  value: unknown,
  what: string,
  max: number,
  allowEmpty = false,
): unknown[] {
  if (!Array.isArray(value))
    throw new ContractError('INVALID_ARGUMENT', `${what} must be an array`);
  if (value.length === 0 && !allowEmpty)
    throw new ContractError('INVALID_ARGUMENT', `${what} must not be empty`);
  if (value.length > max)
    throw new ContractError(
      'INVALID_ARGUMENT',
      `${what} holds ${value.length} items, at most ${max} allowed`,
    );
  return value as unknown[];
}

function expectMatch(value: unknown, pattern: RegExp, what: string, syntax: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      `${what} must be ${syntax}, got ${describe(value)}`,
    );
  }
  return value;
}

/** A device identifier `<prefix>/<suffix>`. */
export function expectDeviceId(value: unknown, what = 'deviceId'): string {
  if (typeof value === 'string' && value.length <= MAX_IDENTIFIER_LENGTH) {
    const slash = value.indexOf('/');
    if (slash > 0 && SYSTEM_CODE.test(value.slice(0, slash)) && SUFFIX.test(value.slice(slash + 1)))
      return value;
  }
  throw new ContractError(
    'INVALID_ARGUMENT',
    `${what} must be a device identifier <prefix>/<suffix>, got ${describe(value)}`,
  );
}

/** A system code (dotted numeric identifier prefix). */
export function expectSystemCode(value: unknown, what = 'systemCode'): string {
  return expectMatch(value, SYSTEM_CODE, what, 'a dotted numeric system code');
}

/** A field code `<system code>.F<4-10 digits>`. */
export function expectFieldCode(value: unknown, what = 'fieldCode'): string {
  return expectMatch(value, FIELD_CODE, what, 'a field code <system code>.F<digits>');
}

/** The system code a field code starts with. */
export function systemOfFieldCode(fieldCode: string): string {
  const match = FIELD_CODE.exec(fieldCode);
  if (!match)
    throw new ContractError(
      'INVALID_ARGUMENT',
      `fieldCode must be a field code, got ${describe(fieldCode)}`,
    );
  return match[1] as string;
}

/** A coordinate `Device.<fieldName>`. */
export function expectCoordinate(value: unknown, what = 'coordinate'): string {
  return expectMatch(value, COORDINATE, what, 'Device.<fieldName>');
}

/** An application id `APP-...`. */
export function expectApplicationId(value: unknown, what = 'applicationId'): string {
  return expectMatch(value, APPLICATION_ID, what, 'APP- and 1-32 of A-Z 0-9 -');
}

/** A function name. */
export function expectFunctionName(value: unknown, what = 'function'): string {
  return expectMatch(value, NAME, what, '1-64 of a-z 0-9 _ -');
}

/** A role, or `*` for every role. */
export function expectRole(value: unknown, what = 'role'): string {
  if (value === '*') return value;
  return expectMatch(value, NAME, what, '"*" or 1-64 of a-z 0-9 _ -');
}

/** A SHA-256 commitment, 64 lower-case hex digits. */
export function expectCommitment(value: unknown, what = 'commitment'): string {
  return expectMatch(value, COMMITMENT, what, '64 lower-case hex digits');
}

/** A record id (trade id, resolution id, transaction id). */
export function expectRecordId(value: unknown, what: string): string {
  return expectMatch(value, RECORD_ID, what, '1-128 of A-Z a-z 0-9 . _ : - starting alphanumeric');
}

/** An amount in fen: an integer 0..MAX_FEN. */
export function expectFen(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_FEN) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      `${what} must be an integer amount of fen from 0 to ${MAX_FEN}, got ${describe(value)}`,
    );
  }
  return value;
}

/** An ISO-8601 UTC timestamp as `Date.toISOString()` writes it. */
export function expectTimestamp(value: unknown, what: string): string {
  if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  ) {
    return value;
  }
  throw new ContractError(
    'INVALID_ARGUMENT',
    `${what} must be an ISO-8601 UTC timestamp (YYYY-MM-DDTHH:mm:ss.sssZ), got ${describe(value)}`,
  );
}

/** Refuses repeated items; `key` maps an item to what must be unique. */
export function expectUnique<T>(items: readonly T[], what: string, key: (item: T) => string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) throw new ContractError('INVALID_ARGUMENT', `${what} repeats ${clip(k)}`);
    seen.add(k);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${clip(value)}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? 'an object'
    : typeof value === 'number'
      ? String(value)
      : typeof value;
}

function clip(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return short.replace(/[^\x20-\x7e]/g, '?');
}
