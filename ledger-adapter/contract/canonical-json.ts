/**
 * Deterministic JSON: object keys sorted (JavaScript's default order), no whitespace, and only values that every
 * peer serialises the same way (strings, booleans, null, safe integers, arrays, plain objects).
 * Two peers that compute the same state therefore write the same bytes.
 *
 * @throws TypeError for floats, NaN, bigint, undefined members of arrays, or other types.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON holds integers only, got ${value}`);
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      // Plain loops and string building: this runs for every record the contract writes.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
        return `${out}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) break;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
      }
      return `${out}}`;
    }
    default:
      break;
  }
  throw new TypeError(`canonical JSON cannot hold ${typeof value}`);
}

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
