import { GridmarkError } from './errors.js';

/**
 * Canonical JSON per RFC 8785 (the JSON Canonicalization Scheme, JCS): object members sorted by
 * their names' UTF-16 code units, no whitespace, numbers in ECMAScript's shortest round-trip form
 * (`-0` is written `0`), strings escaped as `JSON.stringify` escapes them. Members whose value is
 * `undefined` are left out, as `JSON.stringify` leaves them out.
 *
 * @throws GridmarkError `BAD_JSON_VALUE` for what JSON cannot carry or JCS refuses: a string
 *   (value or member name) holding a lone surrogate, a number that is not finite, `undefined`
 *   outside an object, a bigint, a function or a symbol. `details.path` names where it sits.
 * @example canonicalJson({ b: [1e21, -0], a: 'é' }) // '{"a":"é","b":[1e+21,0]}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return writeString(value, path);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return refuse(`${path} is ${value}, which JSON cannot carry`, path);
    // ECMAScript's Number::toString is the form RFC 8785 prescribes; it writes -0 as 0.
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // Array.prototype.sort compares UTF-16 code units, the order RFC 8785 asks for.
    const names = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      .sort();
    return `{${names.map((name) => `${writeString(name, path)}:${write(record[name], `${path}.${name}`)}`).join(',')}}`;
  }
  return refuse(`${path} is a ${typeof value}, which JSON cannot carry`, path);
}

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function writeString(text: string, path: string): string {
  if (LONE_SURROGATE.test(text))
    return refuse(`${path} holds a lone surrogate, which is not Unicode text`, path);
  return JSON.stringify(text);
}

function refuse(message: string, path: string): never {
  throw new GridmarkError('BAD_JSON_VALUE', `No canonical JSON (RFC 8785): ${message}.`, {
    details: { path },
  });
}
