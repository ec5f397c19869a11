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
  CATALOG_SDL,
  CATALOG_SUBGRAPH,
  DEFAULT_MAX_DEVICES_PER_QUERY,
} from './catalog/index.js';
export {
  composeSupergraph,
  CompositionError,
  type CompositionIssue,
  type SubgraphSdl,
  type SupergraphStatus,
} from './supergraph/index.js';
export * from './registry/index.js';
export {
  recheckResponse,
  readReceipt,
  FUNCTION_HEADER,
  ROLE_HEADER,
  DEFAULT_OPERATION_LIMITS,
  type ResponseRecheck,
  type FieldRecheck,
  type RecheckOptions,
  type HeldCheck,
  type HeldFinding,
  type OperationRequest,
  type FieldVerification,
  type ReceiptValue,
  type ReceiptValues,
  type ReceivedValue,
  type OperationLimits,
} from './access/index.js';
export { GATEWAY_KEY_PATH, type GatewayAccess, type GatewayBilling } from './create-gateway.js';
export * from './billing/index.js';
