/** Test support for ledger implementations: the shared contract suite. */
export { describeLedgerContract } from './describe-ledger-contract.js';
