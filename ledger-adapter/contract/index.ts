/**
 * The gridmark ledger contract's logic and records: the records it keeps, the pure functions that
 * check arguments and build records, the trade receipts' Merkle proofs, canonical JSON and the
 * contract's error codes. Everything here is light: the fabric-contract-api class that calls it
 * is `chaincode/`, loaded only by `importChaincode()` (see runtime/load-contract.ts).
 * May import: node:crypto and its own files only (it is built alone as the chaincode package).
 */
import type * as Chaincode from './chaincode/index.js';

export {
  CONTRACT_ERROR_CODES,
  ContractError,
  parseContractMessage,
  type ContractErrorCode,
} from './contract-error.js';
export { canonicalJson, canonicalBytes } from './canonical-json.js';
export { merkleTree, sha256Hex } from './merkle.js';
export {
  buildReceipts,
  sameTrade,
  tradeLeafHash,
  verifyTradeReceipt,
  MAX_TRADES_PER_CALL,
} from './trades.js';
export {
  buildResolution,
  parseResolveBatch,
  MAX_DEVICES_PER_RESOLUTION,
  MAX_RESOLUTIONS_PER_BATCH,
  type ResolveInput,
  type BatchedResolveInput,
} from './resolution.js';
export { MAX_CATALOG_ENTRIES_PER_CALL, type PutCatalogEntriesInput } from './catalog.js';
export type { ContractStub, ContractClientIdentity } from './contract-stub.js';
export type { RegisterFieldsInput } from './fields.js';
export type { PutParsingRuleInput, RuleKey } from './rules.js';
export type { AnchorCommitmentsInput, CommitmentInput } from './anchors.js';
export type { ReportTamperInput } from './tamper.js';
export type * from './records.js';
export { STATE_TYPES } from './records.js';

/**
 * Loads the chaincode module (the decorated contract class and `contracts`). Importing it loads
 * fabric-contract-api, which logs and installs process-wide handlers as it loads, so no door
 * imports it: the in-process runtime calls this once, quietly (runtime/load-contract.ts).
 */
export function importChaincode(): Promise<typeof Chaincode> {
  return import('./chaincode/index.js');
}
