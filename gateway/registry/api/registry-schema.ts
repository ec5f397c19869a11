import type { Registry } from '../registry.js';
import {
  applicationResolvers,
  creditResolvers,
  enterpriseResolvers,
  oversightResolvers,
} from './account-resolvers.js';
import { deviceResolvers, ledgerResolvers, systemResolvers } from './system-resolvers.js';

export { REGISTRY_TYPE_DEFS } from './registry-type-defs.js';
export type { RegistryContext } from './resolver-support.js';

/**
 * The registry API's resolvers, one group per concern: thin, all rules live in the registry
 * service.
 */
export function createRegistryResolvers(registry: Registry) {
  const oversight = oversightResolvers(registry);
  const enterprises = enterpriseResolvers(registry);
  const credit = creditResolvers(registry);
  const applications = applicationResolvers(registry);
  const systems = systemResolvers(registry);
  const devices = deviceResolvers(registry);
  const ledger = ledgerResolvers(registry);
  return {
    Query: {
      ...oversight.Query,
      ...enterprises.Query,
      ...systems.Query,
      ...devices.Query,
      ...ledger.Query,
      ...applications.Query,
      ...credit.Query,
    },
    Mutation: {
      ...enterprises.Mutation,
      ...systems.Mutation,
      ...devices.Mutation,
      ...credit.Mutation,
      ...ledger.Mutation,
      ...applications.Mutation,
      ...oversight.Mutation,
    },
    BusinessSystem: systems.BusinessSystem,
    ChangePolicy: systems.ChangePolicy,
    Enterprise: enterprises.Enterprise,
  };
}
