/**
 * The live supergraph: composition, the manager that follows the subgraphs, and the schema policy
 * that keeps every business system to its own `Device` fields.
 */
export {
  composeSupergraph,
  CompositionError,
  type CompositionIssue,
  type SubgraphSdl,
} from './compose-supergraph.js';
export {
  createSubgraphSupergraphManager,
  type SubgraphSource,
  type SubgraphSupergraphManager,
  type SupergraphManagerOptions,
  type SupergraphStatus,
} from './subgraph-supergraph-manager.js';
export {
  checkSubgraphSchema,
  requireSubgraphSchema,
  typePrefixOf,
  SchemaPolicyViolationError,
  type SchemaPolicyRule,
  type SchemaPolicySubject,
  type SchemaPolicyViolation,
} from './subgraph-schema-policy.js';
export {
  policySubject,
  declaredElements,
  type OwnershipSubgraph,
  type DeclaredElements,
} from './schema-ownership.js';
export { createEntityFetchCheck, type EntityFetchCheck } from './entity-fetch-check.js';
export { fetchSubgraphSdl } from './fetch-subgraph-sdl.js';
