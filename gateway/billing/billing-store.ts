import type { Trade, TradeReceipt } from '../../ledger-adapter/index.js';
import { GridmarkError } from '../../schema/index.js';
import type {
  Account,
  AccountKind,
  BookCheck,
  JournalRow,
  Settlement,
  Statement,
  TradeRecord,
} from './billing-types.js';

/**
 * A write the book refused because of what it holds. `reason` is the error code to raise:
 * `PAYMENT_REQUIRED` (not enough available), `DUPLICATE_PAYMENT` (a payment reference already
 * used), `UNKNOWN_ACCOUNT`, `INVALID_STATE`.
 */
export class BookConflict extends Error {
  override readonly name = 'BookConflict';
  constructor(
    readonly reason: 'PAYMENT_REQUIRED' | 'DUPLICATE_PAYMENT' | 'UNKNOWN_ACCOUNT' | 'INVALID_STATE',
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/**
 * Rethrows a book's refusal as the GridmarkError its reason names (the conflict as its cause),
 * anything else as it is: for `.catch(translateBookConflict)` at the service's boundary.
 *
 * @throws GridmarkError PAYMENT_REQUIRED, DUPLICATE_PAYMENT, UNKNOWN_ACCOUNT, INVALID_STATE
 */
export function translateBookConflict(error: unknown): never {
  if (error instanceof BookConflict)
    throw new GridmarkError(error.reason, error.message, {
      details: { ...error.details },
      cause: error,
    });
  throw error;
}

/**
 * The billing book: double-entry accounts in integer fen, holds for queries in flight, the trade
 * contracts waiting for or recorded on the ledger, settlements. Every write is one transaction:
 * each journal entry's postings sum to zero and change the balances with it, so money is
 * conserved whatever fails. A charged trade stays PENDING in the book until the ledger outbox
 * settles it: RECORDED with its receipt, or REFUSED and paid back by a REFUND entry.
 */
export interface BillingStore {
  /** Opens the account if it does not exist; returns it. */
  openAccount(id: string, kind: AccountKind): Promise<Account>;
  getAccount(id: string): Promise<Account | undefined>;
  /** Money received from outside for an application. @throws BookConflict DUPLICATE_PAYMENT, UNKNOWN_ACCOUNT */
  topUp(input: {
    readonly accountId: string;
    readonly amountFen: number;
    readonly paymentReference: string;
    readonly memo: string;
  }): Promise<Account>;
  /** @throws BookConflict UNKNOWN_ACCOUNT, INVALID_STATE (the new limit would not cover what is spent or held) */
  setCreditLimit(accountId: string, creditLimitFen: number): Promise<Account>;
  /** Reserves money for a query. @throws BookConflict PAYMENT_REQUIRED, UNKNOWN_ACCOUNT */
  hold(input: {
    readonly holdId: string;
    readonly accountId: string;
    readonly amountFen: number;
  }): Promise<Account>;
  /** Gives a hold back unspent (a query that released nothing chargeable). Idempotent. */
  release(holdId: string): Promise<void>;
  /**
   * Turns a hold into a charge, in one transaction: the hold is released, the trade's amount moves
   * from the application to the payees and the platform, and the trade joins the outbox. The trade
   * is dated by the book, inside the open period.
   * @throws BookConflict INVALID_STATE when the hold is gone or smaller than the amount
   */
  charge(
    holdId: string,
    terms: Omit<Trade, 'at'>,
    memo: string,
  ): Promise<{ readonly account: Account; readonly trade: Trade }>;
  /** Releases every hold: at start, holds left by a process that stopped mid-query. Returns how many. */
  releaseAllHolds(): Promise<number>;
  /** Charges a business system's registration fee to the platform, once per system. Returns whether it was new. */
  chargeRegistrationFee(systemCode: string, amountFen: number): Promise<boolean>;

  /** The oldest trades not yet on the ledger (nor refused), at most `limit`. */
  pendingTrades(limit: number): Promise<readonly Trade[]>;
  /** Stores the receipts of recorded trades; they stop being pending. */
  recorded(receipts: readonly TradeReceipt[]): Promise<void>;
  /**
   * A pending trade the ledger refused: marks it REFUSED and reverses its charge with a REFUND
   * journal entry (the application is paid back, the payees and the platform give their shares
   * back), in one transaction. Returns false when the trade was not pending (already settled).
   */
  refund(tradeId: string, code: string, message: string): Promise<boolean>;
  /** The trades dated in `[from, to)` after the trade of journal entry `afterEntryId`, oldest first: one page of a walk through a period. */
  tradePage(page: {
    readonly from: string;
    readonly to: string;
    readonly afterEntryId: number;
    readonly limit: number;
  }): Promise<
    readonly (TradeRecord & { readonly entryId: number; readonly refundEntryId: number | null })[]
  >;
  getTrade(tradeId: string): Promise<TradeRecord | undefined>;
  listTrades(filter: {
    readonly applicationId?: string;
    readonly systemCode?: string;
    readonly from?: string;
    readonly to?: string;
    readonly limit: number;
  }): Promise<readonly TradeRecord[]>;
  /** True when the application has paid the system in at least one trade. */
  tradedWith(applicationId: string, systemCode: string): Promise<boolean>;
  /** How many trades wait for the ledger. */
  pendingCount(): Promise<number>;
  /** Trades in `[from, to)` by status. */
  tradeCounts(
    from: string,
    to: string,
  ): Promise<{
    readonly pending: number;
    readonly recorded: number;
    readonly refused: number;
    readonly amountFen: number;
  }>;

  statement(accountId: string, from: string, to: string): Promise<Statement>;
  /**
   * Closes the period from the last settlement to now: pays every system with a positive
   * receivable out, records the settlement.
   */
  settle(runBy: string): Promise<Settlement>;
  settlements(): Promise<readonly Settlement[]>;
  journal(from: string, to: string): Promise<readonly JournalRow[]>;
  check(): Promise<BookCheck>;
  close(): Promise<void>;
}
