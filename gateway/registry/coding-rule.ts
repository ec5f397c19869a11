import { isValidSuffix } from '../../schema/index.js';

/**
 * A system's identifier coding rule: how the suffix of the identifiers it issues is built from the
 * device's own code. A template with `{code}` (required, so the identifier resolves back to the
 * system's own code) and optionally `{kind}`: `{code}` (the default) or `{kind}-{code}`.
 */
export const DEFAULT_CODING_RULE = '{code}';

/** True when `rule` is a usable template. */
export function isValidCodingRule(rule: string): boolean {
  if ((rule.match(/\{code\}/g) ?? []).length !== 1) return false;
  const sample = applyCodingRule(rule, 'A1', 'MODULE');
  return sample !== undefined;
}

/** The suffix for a device, or undefined when the result is not a valid suffix. */
export function applyCodingRule(rule: string, ownCode: string, kind: string): string | undefined {
  const suffix = rule.replace('{code}', ownCode).replace('{kind}', kind);
  return isValidSuffix(suffix) ? suffix : undefined;
}
