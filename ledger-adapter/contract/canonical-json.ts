/**
 * Deterministic JSON: object keys sorted (JavaScript's default order), no whitespace, and only values that every
 * peer serialises the same way (strings, booleans, null, safe integers, arrays, plain objects).
 * Two peers that compute the same state therefore write the same bytes.
 *
 * @throws TypeError for floats, NaN, bigint, undefined members of arrays, or other types.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const sorted = sortedCopy(value);
  return sorted === HAS_INDEX_KEYS ? written(value) : JSON.stringify(sorted);
}

const HAS_INDEX_KEYS = Symbol('index keys');
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

/*
 * The fast path: a copy with keys inserted in sorted order, which JSON.stringify (native) then
 * writes in that order. Objects always list integer-like keys first, whatever the insertion
 * order, so a value holding one is written by hand instead.
 */
function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isSafeInteger(value))
        throw new TypeError(`canonical JSON holds integers only, got ${value}`);
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const items: unknown[] = [];
        for (const item of value as unknown[]) {
          if (item === undefined)
            throw new TypeError('canonical JSON cannot hold undefined in an array');
          const copy = sortedCopy(item);
          if (copy === HAS_INDEX_KEYS) return HAS_INDEX_KEYS;
          items.push(copy);
        }
        return items;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) break;
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record).sort()) {
        if (record[key] === undefined) continue;
        if (INDEX_KEY.test(key)) return HAS_INDEX_KEYS;
        const copy = sortedCopy(record[key]);
        if (copy === HAS_INDEX_KEYS) return HAS_INDEX_KEYS;
        out[key] = copy;
      }
      return out;
    }
    default:
      break;
  }
  throw new TypeError(`canonical JSON cannot hold ${typeof value}`);
}

/** The slow path, for values with integer-like keys: the text built member by member. */
function written(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item: unknown) => written(item)).join(',')}]`;
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${written(record[key])}`).join(',')}}`;
  }
  // Scalars (and anything invalid, which throws) take the checks of the fast path.
  return JSON.stringify(sortedCopy(value));
}

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
