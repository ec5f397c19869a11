/**
 * The typed ledger adapter over any LedgerClient: one method per contract transaction, reads
 * batched (DataLoader) and cached (Keyv) with invalidation by the ledger's events.
 * May import: `schema/`, the contract's door (records, errors) and `ledger-client.ts`.
 */
export { createLedgerAdapter, type LedgerAdapterOptions } from './create-ledger-adapter.js';
export type { LedgerAdapter, LedgerCallStats } from './ledger-adapter.js';
export { translateLedgerError } from './ledger-errors.js';
