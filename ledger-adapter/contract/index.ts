/**
 * The gridmark ledger contract, written once with fabric-contract-api. `contracts` is what Fabric's
 * Node chaincode runtime looks for in the package's main module; the embedded ledger and the test
 * peer run the same class through `ledger-adapter/runtime/`.
 */
import { GridmarkContract } from './gridmark-contract.js';

export { GridmarkContract, CONTRACT_NAME } from './gridmark-contract.js';
export {
  CONTRACT_ERROR_CODES,
  ContractError,
  parseContractMessage,
  type ContractErrorCode,
} from './contract-error.js';
export { canonicalJson, canonicalBytes } from './canonical-json.js';
export { verifyTradeReceipt, tradeLeafHash } from './trades.js';
export type { ContractStub, ContractClientIdentity } from './contract-stub.js';
export type { RegisterFieldsInput } from './fields.js';
export type { PutCatalogEntriesInput } from './catalog.js';
export type { PutParsingRuleInput, RuleKey } from './rules.js';
export type { ResolveInput, BatchedResolveInput } from './resolution.js';
export type { AnchorCommitmentsInput, CommitmentInput } from './anchors.js';
export type { ReportTamperInput } from './tamper.js';
export type * from './records.js';
export { STATE_TYPES } from './records.js';

/** The contracts of the chaincode package (Fabric's Node runtime reads this export). */
export const contracts = [GridmarkContract];
