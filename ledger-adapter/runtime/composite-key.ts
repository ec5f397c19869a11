/*
 * Fabric's composite keys: U+0000, the object type, then each attribute, each followed by U+0000.
 * A partial key is a prefix of every full key that starts with it; U+10FFFF (the largest code
 * point, as Fabric uses) closes the range.
 */

const SEPARATOR = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Ends a range that must include every key starting with a prefix. */
export const MAX_KEY_SUFFIX = '\u{10FFFF}';

/**
 * Builds a composite key.
 *
 * @throws TypeError when the type or an attribute holds U+0000 or an unpaired surrogate
 */
export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  checkPart(objectType, 'object type');
  for (const attribute of attributes) checkPart(attribute, 'attribute');
  return `${SEPARATOR}${objectType}${SEPARATOR}${attributes.map((a) => `${a}${SEPARATOR}`).join('')}`;
}

/** Splits a composite key back into its type and attributes. */
export function splitCompositeKey(key: string): { objectType: string; attributes: string[] } {
  if (!key.startsWith(SEPARATOR)) return { objectType: '', attributes: [] };
  const parts = key.slice(1, -1).split(SEPARATOR);
  return { objectType: parts[0] ?? '', attributes: parts.slice(1) };
}

/** A key readable by people: `type/attr/attr` for composite keys, the key itself otherwise. */
export function displayKey(key: string): string {
  if (!key.startsWith(SEPARATOR)) return key;
  const { objectType, attributes } = splitCompositeKey(key);
  return [objectType, ...attributes].join(' | ');
}

function checkPart(part: string, what: string): void {
  if (part.includes(SEPARATOR))
    throw new TypeError(`composite key ${what} must not contain U+0000`);
  if (LONE_SURROGATE.test(part))
    throw new TypeError(`composite key ${what} must be well-formed UTF-16`);
}
