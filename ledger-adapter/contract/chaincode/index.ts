/**
 * The gridmark contract as Fabric Node chaincode: the fabric-contract-api class whose
 * transactions read, call the contract's pure functions and write, and `contracts`, what Fabric's
 * Node chaincode runtime looks for in the package's main module. Importing it loads
 * fabric-contract-api: in-process, only through `importChaincode()` from the contract's door.
 * May import: fabric-contract-api and the contract's files (`../`).
 */
import { GridmarkContract } from './gridmark-contract.js';

export { GridmarkContract, CONTRACT_NAME } from './gridmark-contract.js';

/** The contracts of the chaincode package (Fabric's Node runtime reads this export). */
export const contracts = [GridmarkContract];
