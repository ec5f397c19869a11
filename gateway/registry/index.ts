/**
 * The identifier registry: onboarded enterprises register their business systems, whose shareable
 * fields and devices follow; the association catalog follows; the gateway's supergraph follows the
 * active systems. The room owns the registry service and its parts (`service/`), its GraphQL API
 * (`api/`), its store and the SQLite one (`sqlite/`), the guard of its calls to applicant URLs
 * (`outbound/`), credit evaluation and enterprise onboarding. It imports only the doors of the
 * schema, the ledger adapter and the gateway's catalog, http, storage and supergraph rooms, and
 * the gateway's error formatting.
 */
export {
  createRegistry,
  type Registry,
  type RegistryOptions,
  type SystemRegistrationInput,
  type RegisteredSubgraph,
} from './registry-service.js';
export {
  openSqliteRegistryStore,
  type SqliteRegistryStoreOptions,
} from './sqlite/sqlite-registry-store.js';
export {
  StoreConflict,
  type RegistryStore,
  type LogInput,
  type StoredPrincipal,
  type CreditEventInput,
  type CreditEventResult,
} from './registry-store.js';
export type { CreditEvaluation } from './credit.js';
export type {
  EnterpriseInput,
  EnterpriseKey,
  EnterpriseOnboarding,
} from './enterprise-onboarding.js';
export {
  DEVELOPMENT_OUTBOUND,
  RESTRICTED_NETWORKS,
  type OutboundClient,
  type OutboundOptions,
} from './outbound/index.js';
export {
  TAMPER_CREDIT_PENALTY,
  FAILED_VERIFICATION_PENALTY,
  FEEDBACK_DELTAS,
} from './credit-rules.js';
export { checkCreditCode, creditCodeCheckCharacter } from './credit-code.js';
export { resolveIdentifier, type IdentifierResolution } from './identifier-resolver-route.js';
export { DEFAULT_CODING_RULE } from './coding-rule.js';
export type * from './registry-types.js';
export {
  createRegistryApi,
  type RegistryApi,
  type RegistryApiExtension,
} from './api/registry-api.js';
export { createIdentifierResolverRoute } from './identifier-resolver-route.js';
export {
  ANY_NETWORK,
  OutboundRequestError,
  createOutboundClient,
  type OutboundResponse,
} from './outbound/index.js';
export { REGISTRY_MIGRATIONS } from './sqlite/registry-migrations.js';
export { onboardEnterprise, TEST_ADMIN } from './testing/onboard-enterprise.js';
export { forbid, requireAdmin, requireOverseer } from './caller-permissions.js';
export type { RegistryContext } from './api/resolver-support.js';
export { FETCH_BAD_PORTS, fetchBadPortMessage, fetchBadPortOf } from './outbound/index.js';
export { requireKind, requireLocalCode } from './registry-validation.js';
