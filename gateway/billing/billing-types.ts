import type { Trade, TradeReceipt } from '../../ledger-adapter/index.js';

/**
 * Who holds money: an application (prepaid, optionally with a credit limit), a business system
 * (receivable: what it has earned and not yet been paid out), the platform (its fees), and the
 * outside world (where top-ups come from and payouts go), so that all balances always sum to 0.
 */
export type AccountKind = 'APPLICATION' | 'SYSTEM' | 'PLATFORM' | 'EXTERNAL';

/** The platform's account id. */
export const PLATFORM_ACCOUNT = 'PLATFORM';
/** The outside world's account id. */
export const EXTERNAL_ACCOUNT = 'EXTERNAL';

/** An account: an application id (`APP-0001`), a system code (`88.1001.3`), `PLATFORM` or `EXTERNAL`. */
export interface Account {
  readonly id: string;
  readonly kind: AccountKind;
  /** The sum of the account's postings, integer fen. */
  readonly balanceFen: number;
  /** Reserved for queries in flight. */
  readonly heldFen: number;
  /** How far an application may go below zero. */
  readonly creditLimitFen: number;
  /** What an application can still spend: balance + credit limit - held. */
  readonly availableFen: number;
  readonly createdAt: string;
}

/** Why money moved. */
export type EntryKind = 'TOP_UP' | 'CHARGE' | 'REGISTRATION_FEE' | 'PAYOUT' | 'REFUND';

/** One line of an account's statement: a posting of a journal entry. */
export interface StatementLine {
  readonly entryId: number;
  readonly at: string;
  readonly kind: EntryKind;
  /** The payment reference, trade id, system code or settlement id behind the entry. */
  readonly reference: string;
  /** Positive: money in; negative: money out. */
  readonly amountFen: number;
  /** The account's balance after this line. */
  readonly balanceFen: number;
  readonly memo: string;
}

/** An account's movements over a period `[from, to)`. */
export interface Statement {
  readonly account: Account;
  readonly from: string;
  readonly to: string;
  readonly openingFen: number;
  readonly creditsFen: number;
  readonly debitsFen: number;
  readonly closingFen: number;
  readonly lines: readonly StatementLine[];
}

/** A trade contract as the billing book keeps it, with where it stands on the ledger. */
export interface TradeRecord {
  readonly trade: Trade;
  readonly status: 'PENDING' | 'RECORDED' | 'REFUSED';
  readonly receipt: TradeReceipt | null;
  readonly refusal: string | null;
}

/** A settlement run: closes the period since the previous run and pays systems out. */
export interface Settlement {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly runBy: string;
  readonly trades: number;
  readonly tradedFen: number;
  readonly payouts: readonly { readonly systemCode: string; readonly amountFen: number }[];
  /** SHA-256 of the settlement's content, as recorded. */
  readonly digest: string;
}

/** One posting for export. */
export interface JournalRow {
  readonly entryId: number;
  readonly at: string;
  readonly kind: EntryKind;
  readonly reference: string;
  readonly accountId: string;
  readonly amountFen: number;
  readonly memo: string;
}

/** The book's self-check: money is conserved. */
export interface BookCheck {
  /** The sum of every account's balance: always 0. */
  readonly sumOfBalancesFen: number;
  /** Entries whose postings do not sum to 0: always none. */
  readonly unbalancedEntries: readonly number[];
  /** Accounts whose stored balance differs from the sum of their postings: always none. */
  readonly driftedAccounts: readonly string[];
  /** Accounts whose held amount differs from their open holds: always none. */
  readonly heldMismatches: readonly string[];
}
