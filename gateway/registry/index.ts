/**
 * The identifier registry: onboarded enterprises register their business systems, whose shareable
 * fields and devices follow; the association catalog follows; the gateway's supergraph follows the
 * active systems. The room owns the registry service and its parts (`service/`), its GraphQL API
 * (`api/`), its store and the SQLite one (`sqlite/`), credit evaluation and enterprise
 * onboarding. It imports only the doors of the schema, the ledger adapter and the gateway's
 * catalog, http, outbound, storage and supergraph rooms, and the gateway's error formatting.
 */

// The service and what it speaks
export {
  createRegistry,
  type Registry,
  type RegistryOptions,
  type SystemRegistrationInput,
  type RegisteredSubgraph,
} from './registry-service.js';
export type * from './registry-types.js';
export { forbid, requireAdmin, requireOverseer } from './caller-permissions.js';
export { DEFAULT_CODING_RULE } from './coding-rule.js';
export { requireKind, requireLocalCode } from './registry-validation.js';

// Enterprises and their credit
export type {
  EnterpriseInput,
  EnterpriseKey,
  EnterpriseOnboarding,
} from './enterprise-onboarding.js';
export { checkCreditCode, creditCodeCheckCharacter } from './credit-code.js';
export type { CreditEvaluation } from './credit.js';
export {
  TAMPER_CREDIT_PENALTY,
  FAILED_VERIFICATION_PENALTY,
  FEEDBACK_DELTAS,
} from './credit-rules.js';

// Storage
export {
  StoreConflict,
  type RegistryStore,
  type LogInput,
  type StoredPrincipal,
  type CreditEventInput,
  type CreditEventResult,
} from './registry-store.js';
export {
  openSqliteRegistryStore,
  type SqliteRegistryStoreOptions,
} from './sqlite/sqlite-registry-store.js';
export { REGISTRY_MIGRATIONS } from './sqlite/registry-migrations.js';

// Served over HTTP: the GraphQL API at /registry and the identifier resolver at /id/
export {
  createRegistryApi,
  type RegistryApi,
  type RegistryApiExtension,
} from './api/registry-api.js';
export type { RegistryContext } from './api/registry-schema.js';
export {
  createIdentifierResolverRoute,
  resolveIdentifier,
  type IdentifierResolution,
} from './identifier-resolver-route.js';
