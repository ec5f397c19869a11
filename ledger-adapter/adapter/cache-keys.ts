/*
 * Cache keys of the adapter's reads, and which of them an event of the contract makes stale.
 * A parsing rule is cached per exact role, so that a change of the rule for `*` reaches every
 * role that fell back to it.
 */

/** Cache key of a field record. */
export const fieldKey = (fieldCode: string): string => `field:${fieldCode}`;
/** Cache key of a catalog entry. */
export const catalogKey = (deviceId: string): string => `catalog:${deviceId}`;
/** Cache key of the rule stored for exactly this role. */
export const ruleKey = (applicationId: string, fn: string, role: string): string =>
  `rule:${applicationId}|${fn}|${role}`;
/** Cache key of an anchor. */
export const anchorKey = (deviceId: string, fieldCode: string): string =>
  `anchor:${deviceId}|${fieldCode}`;

/** The cache keys a contract event makes stale; none for events that change nothing cached. */
export function staleKeysOf(name: string, payload: unknown): string[] {
  const p = (payload ?? {}) as Record<string, unknown>;
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  switch (name) {
    case 'FieldsRegistered':
      return strings(p['fieldCodes']).map(fieldKey);
    case 'CatalogUpdated':
      return strings(p['deviceIds']).map(catalogKey);
    case 'ParsingRuleChanged':
      return typeof p['applicationId'] === 'string' &&
        typeof p['function'] === 'string' &&
        typeof p['role'] === 'string'
        ? [ruleKey(p['applicationId'], p['function'], p['role'])]
        : [];
    case 'CommitmentsAnchored':
      return (Array.isArray(p['keys']) ? (p['keys'] as unknown[]) : [])
        .filter(
          (k): k is [string, string] =>
            Array.isArray(k) && typeof k[0] === 'string' && typeof k[1] === 'string',
        )
        .map(([deviceId, fieldCode]) => anchorKey(deviceId, fieldCode));
    default:
      return [];
  }
}
