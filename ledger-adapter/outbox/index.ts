/**
 * The ledger outbox: the one durable, ordered way gridmark writes resolutions, trades, tamper
 * reports and the registry's evidence to the ledger.
 * May import: `schema/` and the doors of adapter and contract.
 */
export {
  LedgerOutbox,
  openLedgerOutbox,
  type LedgerOutboxOptions,
  type SettledRecord,
  type SettleHook,
} from './ledger-outbox.js';
export {
  DELIVERY_STAGES,
  recordKey,
  type KeyedRecord,
  type OutboxKind,
  type OutboxOutcome,
  type OutboxRecord,
  type StoredRecord,
} from './outbox-records.js';
export type { OutboxLedger } from './outbox-delivery.js';
export { DEFAULT_OUTBOX_PATH, inspectOutboxFile, type OutboxReport } from './outbox-inspector.js';
