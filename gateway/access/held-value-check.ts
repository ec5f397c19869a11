import type { HeldData, HeldValue } from './held-values.js';
import type { ResponseKeys } from './operation-keys.js';
import type { ReceivedValue } from './receipt.js';
import { projectionDifference } from './value-projection.js';

/**
 * A value in `data` that its receipt does not vouch for. ALTERED: it differs from the value the
 * receipt states (or the gateway withheld it); NOT_IN_RECEIPT: the receipt has no entry for it;
 * UNCHECKED: which device or field it is cannot be told from the saved response alone.
 */
export interface HeldFinding {
  readonly path: string;
  readonly device: string | null;
  readonly field: string | null;
  readonly outcome: 'ALTERED' | 'NOT_IN_RECEIPT' | 'UNCHECKED';
  readonly reason: string;
}

/** How a response's `data` stands against its receipt. */
export interface HeldCheck {
  /** Values in `data` equal to (or, for a partial selection, part of) their receipt entry. */
  readonly matched: number;
  readonly findings: readonly HeldFinding[];
}

const PASS_QUERY = 'pass the query the application sent (gridmark verify --query) to tell';

/**
 * Compares every value `data` holds with its receipt entry: the same value in canonical JSON, or,
 * where the application selected part of an object, members equal to the whole value's. A value
 * the gateway withheld must be null; anything outside a device's fields is reported.
 *
 * @param queried whether keys were read through the query (otherwise an unknown key may be an alias).
 */
export function checkHeldValues(
  data: HeldData,
  receipt: readonly ReceivedValue[],
  queried: boolean,
): HeldCheck {
  const byDevice = new Map<string, Map<string, ReceivedValue>>();
  for (const r of receipt) {
    const fields = byDevice.get(r.device) ?? new Map<string, ReceivedValue>();
    fields.set(r.field, r);
    byDevice.set(r.device, fields);
  }
  const findings: HeldFinding[] = data.stray.map((s) => ({
    path: s.path,
    device: null,
    field: null,
    outcome: queried ? 'NOT_IN_RECEIPT' : 'UNCHECKED',
    reason: queried
      ? 'a value outside any device field'
      : `not a device field as far as the saved response tells; ${PASS_QUERY}`,
  }));
  let matched = 0;
  for (const held of data.held) {
    const finding = checkOne(
      held,
      held.device === null ? undefined : byDevice.get(held.device)?.get(held.field),
      queried,
    );
    if (finding) findings.push(finding);
    else if (held.value !== null) matched += 1;
  }
  return { matched, findings };
}

function checkOne(
  held: HeldValue,
  entry: ReceivedValue | undefined,
  queried: boolean,
): HeldFinding | undefined {
  const at = { path: held.path, device: held.device, field: held.field };
  if (held.device === null)
    return held.value === null
      ? undefined
      : {
          ...at,
          outcome: 'UNCHECKED',
          reason: `which device this is cannot be told: select id, or ${PASS_QUERY}`,
        };
  if (!entry) {
    if (held.value === null) return undefined;
    return queried
      ? {
          ...at,
          outcome: 'NOT_IN_RECEIPT',
          reason: 'the receipt has no entry for this device and field',
        }
      : {
          ...at,
          outcome: 'UNCHECKED',
          reason: `the receipt names no field "${held.field}" of this device (an alias?); ${PASS_QUERY}`,
        };
  }
  if (entry.value === undefined)
    return held.value === null
      ? undefined
      : {
          ...at,
          outcome: 'ALTERED',
          reason: `the gateway withheld this value (${entry.status}); data holds one`,
        };
  const difference = differenceAt(held.value, entry.value, held.keys, held.path);
  if (!difference) return undefined;
  return {
    ...at,
    path: difference.path,
    outcome: difference.unchecked ? 'UNCHECKED' : 'ALTERED',
    reason: difference.unchecked
      ? `no member of that name in the value the receipt states (an alias?); ${PASS_QUERY}`
      : 'differs from the value the receipt states',
  };
}

/**
 * Where `part` (what `data` holds) is not `whole` (the receipt's value) or a selection of it, judged
 * as the gateway judged it before release ({@link projectionDifference}); null when it is.
 * `unchecked` when the first difference is a member name that may be an alias.
 */
function differenceAt(
  part: unknown,
  whole: unknown,
  keys: ResponseKeys,
  path: string,
): { readonly path: string; readonly unchecked: boolean } | null {
  const found = projectionDifference(part, whole, keys);
  if (!found) return null;
  return {
    path:
      path +
      found.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join(''),
    unchecked: found.maybeAlias,
  };
}
