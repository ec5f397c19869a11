/**
 * Field-level access control: who may read which `Device` fields, the ledger resolutions and
 * signed grants that release them, the verification of what business systems answer, and the
 * receipts a client keeps. Imports the ledger adapter, the schema, the registry's and http's doors.
 */
export {
  createAccessPlugin,
  FUNCTION_HEADER,
  ROLE_HEADER,
  type AccessPluginOptions,
} from './access-plugin.js';
export {
  createFieldDirectory,
  type DirectoryField,
  type FieldDirectory,
} from './field-directory.js';
export { issueGrant, GRANT_LIFETIME_MS } from './grant-issuer.js';
export type { HeldCheck, HeldFinding } from './held-value-check.js';
export { createOperationGate, queriesOnlyRule } from './operation-gate.js';
export type { OperationRequest } from './operation-keys.js';
export {
  createOperationLimitGuards,
  operationLimits,
  DEFAULT_OPERATION_LIMITS,
  type OperationLimitGuards,
  type OperationLimits,
} from './operation-limits.js';
export {
  readReceipt,
  writeReceipt,
  withoutValues,
  type ReceiptValue,
  type ReceiptValues,
  type ReceivedValue,
} from './receipt.js';
export {
  recheckResponse,
  type FieldRecheck,
  type LedgerEvidenceReader,
  type RecheckOptions,
  type ResponseRecheck,
} from './received-response-check.js';
export type { FieldVerification, GatewayContext, RequestAccess } from './request-access.js';
export { createResolutionRecorder, type ResolutionRecorder } from './resolution-recorder.js';
export {
  createSubgraphGuard,
  type SubgraphGuard,
  type SubgraphGuardOptions,
} from './subgraph-guard.js';
