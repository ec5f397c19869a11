/**
 * The aggregation gateway: Apollo Gateway composing the business systems' subgraphs and the
 * aggregator's device catalog into one `Device`.
 */
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type SystemEndpoint,
  type GraphqlRequest,
  type GraphqlResponse,
} from './create-gateway.js';
export {
  createMemoryDirectory,
  type DeviceDirectory,
  type DirectoryEntry,
  type DeviceKind,
} from './catalog/device-directory.js';
export {
  CATALOG_SDL,
  CATALOG_SUBGRAPH,
  DEFAULT_MAX_DEVICES_PER_QUERY,
} from './catalog/catalog-subgraph.js';
export {
  composeSupergraph,
  CompositionError,
  type CompositionIssue,
  type SubgraphSdl,
} from './supergraph/compose-supergraph.js';
export type { SupergraphStatus } from './supergraph/subgraph-supergraph-manager.js';
export * from './registry/index.js';
export {
  recheckResponse,
  type ResponseRecheck,
  type FieldRecheck,
  type RecheckOptions,
} from './access/received-response-check.js';
export type { HeldCheck, HeldFinding } from './access/held-value-check.js';
export type { OperationRequest } from './access/operation-keys.js';
export type { FieldVerification } from './access/request-access.js';
export {
  readReceipt,
  type ReceiptValue,
  type ReceiptValues,
  type ReceivedValue,
} from './access/receipt.js';
export { FUNCTION_HEADER, ROLE_HEADER } from './access/access-plugin.js';
export { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './access/operation-limits.js';
export { GATEWAY_KEY_PATH, type GatewayAccess, type GatewayBilling } from './create-gateway.js';
export * from './billing/index.js';
