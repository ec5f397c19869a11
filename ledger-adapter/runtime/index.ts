/**
 * Runs the gridmark contract outside Fabric: a local chaincode stub over any world state, and the
 * runner every peer (the embedded ledger, the Fabric Gateway test peer) calls.
 * May import: the contract's door (the decorated class only through `importChaincode()`) and
 * `contract-runtime.ts`.
 */
export { createContractRunner, describeContractTransactions } from './contract-runner.js';
export { createCompositeKey, splitCompositeKey, displayKey } from './composite-key.js';
export { MemoryWorldState, compareKeys } from './world-state.js';
export type {
  ContractRunner,
  TransactionInput,
  TransactionOutcome,
  WorldStateReader,
  StateEntry,
  TransactionCreator,
} from '../contract-runtime.js';
