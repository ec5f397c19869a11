/**
 * The protocol's conformance checks: `gridmark system check <url>` runs them against a running
 * business system (docs/protocol.md). They mint grants with the gateway's key, the right ones and
 * the wrong ones, ask the system as the gateway does, and read the anchors on the ledger through
 * the registry API. Imports only the schema's door; the gateway's schema rules are handed in.
 */
export { checkBusinessSystem, CHECK_NAMES, type ConformanceOptions } from './run-conformance.js';
export type { CheckResult, CheckStatus, ConformanceReport } from './conformance-report.js';
export {
  GrantMinter,
  grantSigningKey,
  keyIdOf,
  type GrantClaims,
  type GrantSigningKey,
} from './grant-minter.js';
export {
  createRegistryReader,
  type LedgerAnchor,
  type RegisteredField,
  type RegistryReader,
} from './registry-reader.js';
export type { SchemaRules, SchemaRuleViolation } from './service-checks.js';
