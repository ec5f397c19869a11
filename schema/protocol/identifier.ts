import { GridmarkError } from './errors.js';

/**
 * Device identifiers follow the Handle system and China's industrial-internet identifier
 * resolution system: `<prefix>/<suffix>`. The prefix is the issuing system's dotted numeric code
 * (`88.1001.7`); the suffix embeds the device's own code so the issuing system can resolve it
 * internally (`PVM-000123`).
 */
export interface DeviceIdentifier {
  readonly prefix: string;
  readonly suffix: string;
}

/** Dotted numeric segments, two to eight of them, each 1-10 digits without a leading zero. */
const PREFIX = /^(?:0|[1-9]\d{0,9})(?:\.(?:0|[1-9]\d{0,9})){1,7}$/;
/** Printable, URL-safe and QR-friendly: letters, digits, `.`, `_`, `-`, `:`; starts alphanumeric. */
const SUFFIX = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** The longest identifier accepted, prefix, slash and suffix together. */
export const MAX_IDENTIFIER_LENGTH = 200;

/** True when `prefix` is a well-formed identifier prefix (a system identifier code). */
export function isValidPrefix(prefix: string): boolean {
  return PREFIX.test(prefix);
}

/** True when `suffix` is a well-formed identifier suffix. */
export function isValidSuffix(suffix: string): boolean {
  return SUFFIX.test(suffix);
}

/**
 * Parses `<prefix>/<suffix>`.
 *
 * @throws GridmarkError `BAD_IDENTIFIER` when the text is not a well-formed identifier.
 * @example parseIdentifier('88.1001.1/PVM-000123') // { prefix: '88.1001.1', suffix: 'PVM-000123' }
 */
export function parseIdentifier(text: string): DeviceIdentifier {
  const slash = text.indexOf('/');
  const prefix = slash < 0 ? '' : text.slice(0, slash);
  const suffix = slash < 0 ? '' : text.slice(slash + 1);
  if (text.length > MAX_IDENTIFIER_LENGTH || !isValidPrefix(prefix) || !isValidSuffix(suffix)) {
    throw new GridmarkError(
      'BAD_IDENTIFIER',
      `"${printable(text)}" is not a valid device identifier (<prefix>/<suffix>, e.g. 88.1001.1/PVM-000123).`,
      {
        details: { identifier: printable(text) },
      },
    );
  }
  return { prefix, suffix };
}

/** True when `text` parses as an identifier. */
export function isValidIdentifier(text: string): boolean {
  try {
    parseIdentifier(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Joins a prefix and a suffix.
 *
 * @throws GridmarkError `BAD_IDENTIFIER` when either part is malformed.
 */
export function formatIdentifier(id: DeviceIdentifier): string {
  const text = `${id.prefix}/${id.suffix}`;
  parseIdentifier(text);
  return text;
}

/** Keeps error messages short and free of control characters, whatever a client sent. */
function printable(text: string): string {
  const clipped = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return clipped.replace(/[^\x20-\x7e]/g, '?');
}
