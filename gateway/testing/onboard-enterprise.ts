import type { Caller, Registry } from '../registry/index.js';

/** The platform admin a test acts as when it onboards enterprises in-process. */
export const TEST_ADMIN: Caller = {
  role: 'PLATFORM_ADMIN',
  keyId: 'test-admin',
  label: 'test admin',
};

/**
 * Onboards an enterprise as a platform admin does (an approved account with its operator key) and
 * returns the operator, as the registry authenticates its key, with the key itself: what a test
 * needs to register systems the way an enterprise would.
 *
 * @example
 * const { caller } = await onboardEnterprise(registry, { creditCode: '91320500MA1N7PXK3R', name: 'Maker Co.' });
 * await registry.registerSystem(caller, { creditCode: '91320500MA1N7PXK3R', systemName: 'maker', ... });
 */
export async function onboardEnterprise(
  registry: Registry,
  enterprise: { readonly creditCode: string; readonly name: string },
): Promise<{ readonly caller: Caller; readonly apiKey: string }> {
  const { apiKey } = await registry.createEnterprise(TEST_ADMIN, enterprise);
  return { caller: await registry.authenticate(apiKey), apiKey };
}
