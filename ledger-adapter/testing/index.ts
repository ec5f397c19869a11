/**
 * Test support for ledger implementations and for the parts that use a ledger: the shared
 * contract suite, trades the contract accepts, contract arguments, temporary directories, and a
 * checkpoint signer and witness. May import every room of the ledger adapter through its door,
 * `schema/` and vitest; no production module imports it.
 */
export { describeLedgerContract } from './describe-ledger-contract.js';
export { openTradeMarket, type TradeMarket, type TradeMarketOptions } from './trade-fixtures.js';
export { commitmentsOf, fieldsOf } from './contract-arguments.js';
export { tempDir } from './temp-dir.js';
export { checkpointAt, hash, testSigner } from './checkpoint-signer.js';
export { memoryWitness } from './memory-witness.js';
