/**
 * Trading and finance: quotes, accounts in integer fen, per-use charges, trade contracts,
 * statements, settlements, reconciliation with the ledger.
 *
 * The room owns the billing book (its SQLite file, schema and migrations), the billing service
 * and its GraphQL API, the Apollo plugin that prices and charges queries, and the link that
 * settles the book's trades from the ledger outbox. It imports other rooms only through their
 * doors: `ledger-adapter` (trades, receipts, the adapter, the outbox), `schema` (errors, logger,
 * owner-only files), `gateway/registry` (callers, their permissions, the registry); and the
 * gateway's shared modules in `gateway/access` and `gateway/storage`.
 */
export {
  createBilling,
  type Billing,
  type BillingOptions,
  type ChargedQuery,
} from './billing-service.js';
export { createBillingPlugin, QUOTE_HEADER, type BillingPluginOptions } from './billing-plugin.js';
export { BILLING_TYPE_DEFS, createBillingResolvers } from './api/billing-schema.js';
export { linkBookToLedger, type BookLedgerLink } from './book-ledger-link.js';
export { reconcilePeriod, type Reconciliation } from './reconciliation.js';
export { BookConflict, translateBookConflict, type BillingStore } from './billing-store.js';
export {
  openSqliteBillingStore,
  type SqliteBillingStoreOptions,
} from './sqlite/sqlite-billing-store.js';
export { BILLING_MIGRATIONS } from './sqlite/billing-migrations.js';
export { FREE_TARIFF, checkTariff, commissionOf, type Tariff } from './tariff.js';
export {
  chargeDelivered,
  quoteQuery,
  type Quote,
  type QuotedField,
  type Charge,
} from './pricing.js';
export {
  EXTERNAL_ACCOUNT,
  PLATFORM_ACCOUNT,
  type Account,
  type AccountKind,
  type EntryKind,
  type Statement,
  type StatementLine,
  type TradeRecord,
  type Settlement,
  type JournalRow,
  type BookCheck,
} from './billing-types.js';
