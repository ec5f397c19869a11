/** Test support for ledger implementations: the shared contract suite, and trades the contract accepts. */
export { describeLedgerContract } from './describe-ledger-contract.js';
export { openTradeMarket, type TradeMarket, type TradeMarketOptions } from './trade-fixtures.js';
