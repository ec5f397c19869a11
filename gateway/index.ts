/**
 * The aggregation gateway: Apollo Gateway composing the business systems' subgraphs and the
 * aggregator's device catalog into one `Device`.
 */
export { createGateway } from './create-gateway.js';
export type {
  Gateway,
  GatewayOptions,
  SystemEndpoint,
  GraphqlRequest,
  GraphqlResponse,
  GatewayAccess,
  GatewayBilling,
  GatewayTls,
} from './gateway-options.js';
export type { HttpRoute } from './http/index.js';
export {
  createMemoryDirectory,
  type DeviceDirectory,
  type DirectoryEntry,
  type DeviceKind,
  CATALOG_SDL,
  CATALOG_SUBGRAPH,
  DEFAULT_MAX_DEVICES_PER_QUERY,
  createCatalogSchema,
} from './catalog/index.js';
export {
  composeSupergraph,
  CompositionError,
  type CompositionIssue,
  type SubgraphSdl,
  type SupergraphStatus,
} from './supergraph/index.js';
// The schema rules a business system's SDL keeps, for the checks of `gridmark system check`.
export {
  checkSubgraphSchema,
  type SchemaPolicySubject,
  type SchemaPolicyViolation,
} from './supergraph/index.js';
export * from './registry/index.js';
export * from './outbound/index.js';
export {
  recheckResponse,
  readReceipt,
  FUNCTION_HEADER,
  ROLE_HEADER,
  DEFAULT_OPERATION_LIMITS,
  type ResponseRecheck,
  type FieldRecheck,
  type LedgerEvidenceReader,
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
export { GATEWAY_KEY_PATH } from './gateway-routes.js';
export { latestCheckpointInFile } from './storage/index.js';
export {
  createGatewayLogger,
  redactSecrets,
  OBSERVABILITY_DEFAULTS,
  REQUEST_ID_HEADER,
  type GatewayLoggerOptions,
  type LoggingSettings,
  type MetricsSettings,
  type ObservabilitySettings,
  type ReadinessSettings,
  type TracingSettings,
} from './observability/index.js';
export * from './billing/index.js';
export {
  EXPLORER_MODES,
  EXPLORER_PATH,
  SANDBOX_SCRIPT_URL,
  type ExplorerMode,
} from './explorer/index.js';
export * from './config/index.js';
export * from './serving/index.js';
export {
  tuneHeapForService,
  SERVICE_HEAP_GROWING_PERCENT,
  SERVICE_NODE_ARGUMENTS,
  SERVICE_PROCESS_ENVIRONMENT,
} from './heap-tuning.js';
