import { compareWithAnchors } from './anchor-comparison.js';
import type { ResponseCheck, SubgraphResponse, VerifyOptions } from './response-check.js';
import { candidatesOf } from './verification-candidates.js';

export type {
  SubgraphResponse,
  TamperFinding,
  UnverifiableReason,
  VerifyOptions,
} from './response-check.js';
export { projects } from './value-projection.js';

/**
 * Checks every value of an `_entities` response against the commitment its owner anchored, before
 * the gateway merges it: the value and the revealed salt must hash to the anchored commitment.
 * A match is released VERIFIED; a value changed since its anchor is released UNVERIFIED only when
 * the field's policy as registered says so (a policy or field code the subgraph states is not
 * trusted: a code that is not the registered one leaves the value without a proof); otherwise the
 * value is withheld (`TAMPERED`, reported), as is any value without a proof or an anchor, or when
 * the ledger cannot answer (`UNVERIFIABLE`): nothing unchecked leaves the gateway. So is a value
 * of a device and field that the query's resolution does not cover (`UNVERIFIABLE`, reason
 * `NOT_IN_RESOLUTION`): a grant names devices and fields apart, and a system may serve a field
 * for a device the catalog does not list it as holding; such a value is neither recorded nor
 * charged, so it is not released. An object value selected in part (under aliases at any level)
 * must equal the whole value's members. The response is changed in place and returned.
 */
export async function verifyEntities(options: VerifyOptions): Promise<SubgraphResponse> {
  const { response } = options;
  const entities = response.data?.['_entities'];
  if (!Array.isArray(entities)) return response;
  const check: ResponseCheck = {
    options,
    entities,
    errors: [...(response.errors ?? [])],
    unproven: new Set(),
    unprovenSystem: '',
  };
  const candidates = candidatesOf(check);
  if (candidates.length > 0) await compareWithAnchors(check, candidates);
  if (check.errors.length > (response.errors?.length ?? 0)) response.errors = check.errors;
  if (check.unproven.size > 0)
    options.onUnproven?.({ systemCode: check.unprovenSystem, fieldCodes: [...check.unproven] });
  return response;
}
