import type {
  LedgerAdapter,
  LedgerOutbox,
  Resolution,
  Trade,
  TradeReceipt,
} from '../../ledger-adapter/index.js';
import type { Logger } from '../../schema/index.js';
import type { FieldDirectory } from '../access/index.js';
import type { Caller, Registry } from '../registry/index.js';
import type { BillingStore } from './billing-store.js';
import type {
  Account,
  BookCheck,
  JournalRow,
  Settlement,
  Statement,
  TradeRecord,
} from './billing-types.js';
import type { Quote } from './pricing.js';
import type { Reconciliation } from './reconciliation.js';
import type { Tariff } from './tariff.js';

/** A query charged: its trade contract and the application's account afterwards. */
export interface ChargedQuery {
  readonly trade: Trade;
  readonly account: Account;
  /** The trade's ledger receipt once it is recorded; null when the ledger refused it (it is then refunded) or cannot be reached. */
  readonly onLedger: Promise<TradeReceipt | null>;
}

/**
 * Trading and finance (patent claims 5-7, [0066], [0096]-[0099]): quotes, prepaid application
 * accounts, per-use charges that become trade contracts on the ledger, business systems'
 * receivables, statements and settlements. Money is integer fen in a double-entry book.
 */
export interface Billing {
  readonly tariff: Tariff;
  /** Prices an operation that a resolution covers, from the fields it selects. */
  quote(resolution: Resolution, selectedFields: ReadonlySet<string>): Quote;
  /** Reserves a quote's total for a query. @throws GridmarkError PAYMENT_REQUIRED, LEDGER_UNAVAILABLE */
  reserve(
    applicationId: string,
    quote: Quote,
  ): Promise<{ readonly holdId: string; readonly account: Account }>;
  /**
   * Charges a reserved query for the values it released verified (withheld, tampered and
   * unverified values are free), exactly once; or releases the hold when none were.
   */
  charge(
    holdId: string,
    input: {
      readonly applicationId: string;
      readonly function: string;
      readonly quote: Quote;
      readonly verified: readonly { readonly device: string; readonly fieldCode: string }[];
    },
  ): Promise<ChargedQuery | undefined>;

  account(caller: Caller, accountId: string): Promise<Account>;
  /** Credits a payment received for an application. Platform admins. */
  topUp(
    caller: Caller,
    input: {
      readonly applicationId: string;
      readonly amountFen: unknown;
      readonly paymentReference: string;
    },
  ): Promise<Account>;
  setCreditLimit(caller: Caller, applicationId: string, creditLimitFen: unknown): Promise<Account>;
  statement(
    caller: Caller,
    accountId: string,
    period: { readonly from?: string | null; readonly to?: string | null },
  ): Promise<Statement>;
  trade(caller: Caller, tradeId: string): Promise<TradeRecord>;
  trades(
    caller: Caller,
    filter: {
      readonly applicationId?: string | null;
      readonly systemCode?: string | null;
      readonly from?: string | null;
      readonly to?: string | null;
      readonly limit?: number | null;
    },
  ): Promise<readonly TradeRecord[]>;
  /** Closes the period since the last settlement. Platform admins; every trade of the period must be on the ledger. */
  settle(caller: Caller): Promise<Settlement>;
  settlements(caller: Caller): Promise<readonly Settlement[]>;
  journal(
    caller: Caller,
    period: { readonly from?: string | null; readonly to?: string | null },
  ): Promise<readonly JournalRow[]>;
  reconcile(
    caller: Caller,
    period: { readonly from?: string | null; readonly to?: string | null },
  ): Promise<Reconciliation>;
  check(caller: Caller): Promise<BookCheck>;
  /** True once the application has paid the system in a trade (feedback needs it). */
  tradedWith(applicationId: string, systemCode: string): Promise<boolean>;
  /** False while trades cannot reach the ledger: the gateway then refuses charged queries. */
  healthy(): boolean;
  /** Releases holds left by a stopped process, charges registration fees, records pending trades. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of `createBilling`. */
export interface BillingOptions {
  readonly store: BillingStore;
  readonly ledger: LedgerAdapter;
  readonly registry: Registry;
  /** The gateway's directory of the active systems' fields. */
  readonly fields: Pick<FieldDirectory, 'byName'>;
  readonly tariff: Tariff;
  /** Where trades wait for the ledger, after the resolutions they pay for. */
  readonly outbox: LedgerOutbox;
  readonly logger: Logger;
}
