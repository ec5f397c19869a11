import { isDeepStrictEqual } from 'node:util';
import { UNKNOWN_KEYS, type ResponseKeys } from './operation-keys.js';

/** Where a selected value first departs from the whole value it should be a selection of. */
export interface ProjectionDifference {
  /** The response keys (and list indexes) from the value down to the difference. */
  readonly path: readonly (string | number)[];
  /**
   * The difference is a member the whole value lacks, under keys read without the query: the key
   * may be an alias that only the query could explain.
   */
  readonly maybeAlias: boolean;
}

/**
 * Where `part` (a value as selected, under its response keys) is not a projection of `whole` (the
 * whole value anchored and stated in the receipt); null when it is. Each key of `part` is read
 * through `keys` as the member it selects (an alias at any level stands for its member) and its
 * value must be that member's, down to the leaves; a key the query did not select is a difference.
 * A member selected without a sub-selection (a scalar, or an object-valued scalar) must equal the
 * whole member. The gateway (before release) and `gridmark verify` (afterwards) both judge by it.
 * The path is built only when there is a difference: the gateway calls this for every object value
 * it releases.
 */
export function projectionDifference(
  part: unknown,
  whole: unknown,
  keys: ResponseKeys,
): ProjectionDifference | null {
  if (keys.kind === 'selected' && keys.keys.size === 0)
    return sameValue(part, whole) ? null : at([], false);
  if (Array.isArray(part)) {
    if (!Array.isArray(whole) || whole.length !== part.length) return at([], false);
    for (let i = 0; i < part.length; i++) {
      const found = projectionDifference(part[i], whole[i], keys);
      if (found) return at([i, ...found.path], found.maybeAlias);
    }
    return null;
  }
  if (part !== null && typeof part === 'object') {
    if (whole === null || typeof whole !== 'object' || Array.isArray(whole)) return at([], false);
    for (const key of Object.keys(part)) {
      const selected =
        keys.kind === 'selected' ? keys.keys.get(key) : { name: key, keys: UNKNOWN_KEYS };
      if (selected === undefined) return at([key], false);
      if (selected.name === '__typename') continue;
      if (!Object.hasOwn(whole, selected.name)) return at([key], keys.kind === 'unknown');
      const found = projectionDifference(
        (part as Record<string, unknown>)[key],
        (whole as Record<string, unknown>)[selected.name],
        selected.keys,
      );
      if (found) return at([key, ...found.path], found.maybeAlias);
    }
    return null;
  }
  return part === whole ? null : at([], false);
}

/** Leaves compare as JSON values: scalars by value, object-valued scalars member by member. */
function sameValue(part: unknown, whole: unknown): boolean {
  return (
    part === whole || (typeof part === 'object' && part !== null && isDeepStrictEqual(part, whole))
  );
}

function at(path: readonly (string | number)[], maybeAlias: boolean): ProjectionDifference {
  return { path, maybeAlias };
}

/**
 * True when `part` (what the query selected, under its response keys) is a projection of `whole`
 * (what was anchored): see {@link projectionDifference}.
 */
export function projects(part: unknown, whole: unknown, keys: ResponseKeys): boolean {
  return projectionDifference(part, whole, keys) === null;
}
