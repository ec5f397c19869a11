/** Trading and finance: quotes, accounts in integer fen, per-use charges, trade contracts, statements, settlements. */
export {
  createBilling,
  type Billing,
  type BillingOptions,
  type ChargedQuery,
} from './billing-service.js';
export type { Reconciliation } from './reconciliation.js';
export { BookConflict, type BillingStore } from './billing-store.js';
export {
  openSqliteBillingStore,
  type SqliteBillingStoreOptions,
} from './sqlite/sqlite-billing-store.js';
export { QUOTE_HEADER } from './billing-plugin.js';
export { FREE_TARIFF, type Tariff } from './tariff.js';
export { formatYuan, requireAmountFen } from './money.js';
export type { Quote, QuotedField, Charge } from './pricing.js';
export {
  EXTERNAL_ACCOUNT,
  PLATFORM_ACCOUNT,
  type Account,
  type AccountKind,
  type Statement,
  type StatementLine,
  type TradeRecord,
  type Settlement,
  type JournalRow,
  type BookCheck,
} from './billing-types.js';
export { BILLING_TYPE_DEFS, createBillingResolvers } from './api/billing-schema.js';
export { createBillingPlugin, type BillingPluginOptions } from './billing-plugin.js';
export { BILLING_MIGRATIONS } from './sqlite/billing-migrations.js';
