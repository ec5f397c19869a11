import Database from 'better-sqlite3';
import type {
  LedgerCheckpoint,
  CheckpointWitness,
  Trade,
  TradeReceipt,
} from '../../../ledger-adapter/index.js';
import { prepareOwnerOnlyDatabase } from '../../../schema/index.js';
import { sqliteCheckpointWitness, applySqliteMigrations } from '../../storage/index.js';
import type { BillingStore } from '../billing-store.js';
import type {
  Account,
  AccountKind,
  BookCheck,
  JournalRow,
  Settlement,
  Statement,
  TradeRecord,
} from '../billing-types.js';
import { BILLING_MIGRATIONS } from './billing-migrations.js';
import { BookAccounts } from './book-accounts.js';
import { BookCharges } from './book-charges.js';
import { BookJournal } from './book-journal.js';
import { BookReads } from './book-reads.js';
import { BookSettlements } from './book-settlements.js';
import { statementOf } from './book-statements.js';
import { compactCopiedTrades } from './copied-trades.js';
import { QueryHolds } from './query-holds.js';
import { receiptBatches } from './receipt-batches.js';
import { tradeBodies } from './trade-bodies.js';
import { TradeOutcomes } from './trade-outcomes.js';
import { TradeReads } from './trade-reads.js';

/** Options of {@link openSqliteBillingStore}. */
export interface SqliteBillingStoreOptions {
  /** The database file, or `:memory:`. */
  readonly path: string;
  /** Time source, for tests. */
  readonly now?: () => Date;
}

/**
 * The billing book in one SQLite file (WAL). Every write is one transaction; balances move only
 * with balanced postings. A committed transaction survives the process crashing at any point
 * (synchronous NORMAL); an operating-system crash or power loss may lose the last few, whose
 * trades the response waited to see on the ledger.
 *
 * @example const book = openSqliteBillingStore({ path: 'data/billing.db' });
 */
export function openSqliteBillingStore(
  options: SqliteBillingStoreOptions,
): BillingStore & CheckpointWitness {
  return new SqliteBillingStore(options);
}

/**
 * The billing book in one SQLite file: each concern is a part of its own (accounts, holds,
 * charges, the ledger's outcomes, settlements, reads), and the store runs their synchronous work
 * as promises. The book also keeps the ledger's signed checkpoints (migration 3).
 */
export class SqliteBillingStore implements BillingStore, CheckpointWitness {
  readonly witnessName: string;
  readonly #db: Database.Database;
  readonly #witness: CheckpointWitness;
  readonly #holds = new QueryHolds();
  readonly #accounts: BookAccounts;
  readonly #charges: BookCharges;
  readonly #outcomes: TradeOutcomes;
  readonly #settlements: BookSettlements;
  readonly #trades: TradeReads;
  readonly #reads: BookReads;

  constructor(options: SqliteBillingStoreOptions) {
    const db = openBookFile(options.path);
    const now = (): string => (options.now ?? (() => new Date()))().toISOString();
    const bodies = tradeBodies(db);
    const batches = receiptBatches(db);
    // Trades of a book written before version 4 move into the shared forms once (resumed if cut off).
    compactCopiedTrades(db, bodies, batches);
    const journal = new BookJournal(db, now);
    this.#db = db;
    this.#accounts = new BookAccounts(db, journal, (id) => this.#holds.heldFen(id), now);
    this.#trades = new TradeReads(db, batches);
    this.#reads = new BookReads(db);
    const accounts = this.#accounts;
    this.#settlements = new BookSettlements(db, { journal, accounts, reads: this.#trades, now });
    const openPeriodNow = (): string => this.#settlements.openPeriodNow();
    const holds = this.#holds;
    this.#charges = new BookCharges(db, { journal, accounts, holds, bodies, openPeriodNow });
    this.#outcomes = new TradeOutcomes(db, { journal, batches, openPeriodNow });
    this.#witness = sqliteCheckpointWitness(db, `billing book ${options.path}`, now);
    this.witnessName = this.#witness.witnessName;
  }

  isOpen(): boolean {
    return this.#db.open;
  }

  recordCheckpoint(checkpoint: LedgerCheckpoint): Promise<void> {
    return this.#witness.recordCheckpoint(checkpoint);
  }

  latestCheckpoint(): Promise<unknown> {
    return this.#witness.latestCheckpoint();
  }

  openAccount(id: string, kind: AccountKind): Promise<Account> {
    return attempt(() => this.#accounts.openAlone(id, kind));
  }

  getAccount(id: string): Promise<Account | undefined> {
    return Promise.resolve(this.#accounts.get(id));
  }

  topUp(input: Parameters<BillingStore['topUp']>[0]): Promise<Account> {
    return attempt(() =>
      this.#accounts.topUp(input.accountId, input.amountFen, input.paymentReference, input.memo),
    );
  }

  setCreditLimit(accountId: string, creditLimitFen: number): Promise<Account> {
    return attempt(() => this.#accounts.setCreditLimit(accountId, creditLimitFen));
  }

  hold(input: Parameters<BillingStore['hold']>[0]): Promise<Account> {
    return attempt(() =>
      this.#holds.open(input.holdId, this.#accounts.require(input.accountId), input.amountFen),
    );
  }

  release(holdId: string): Promise<void> {
    return attempt(() => this.#holds.release(holdId));
  }

  charge(
    holdId: string,
    terms: Omit<Trade, 'at'>,
    memo: string,
  ): Promise<{ account: Account; trade: Trade }> {
    return this.#charges.charge(holdId, terms, memo);
  }

  releaseAllHolds(): Promise<number> {
    return attempt(() => this.#holds.releaseAll());
  }

  chargeRegistrationFee(systemCode: string, amountFen: number): Promise<boolean> {
    return attempt(() => this.#accounts.chargeRegistrationFee(systemCode, amountFen));
  }

  pendingTrades(limit: number): Promise<readonly Trade[]> {
    return attempt(() => this.#trades.pendingTrades(limit));
  }

  recorded(receipts: readonly TradeReceipt[]): Promise<void> {
    return attempt(() => this.#outcomes.recorded(receipts));
  }

  refund(tradeId: string, code: string, message: string): Promise<boolean> {
    return attempt(() => this.#outcomes.refund(tradeId, code, message));
  }

  tradePage(page: Parameters<BillingStore['tradePage']>[0]): ReturnType<BillingStore['tradePage']> {
    return attempt(() => this.#trades.tradePage(page));
  }

  getTrade(tradeId: string): Promise<TradeRecord | undefined> {
    return attempt(() => this.#trades.getTrade(tradeId));
  }

  listTrades(filter: Parameters<BillingStore['listTrades']>[0]): Promise<readonly TradeRecord[]> {
    return attempt(() => this.#trades.listTrades(filter));
  }

  tradedWith(applicationId: string, systemCode: string): Promise<boolean> {
    return attempt(() => this.#trades.tradedWith(applicationId, systemCode));
  }

  pendingCount(): Promise<number> {
    return attempt(() => this.#trades.pendingCount());
  }

  tradeCounts(from: string, to: string): ReturnType<BillingStore['tradeCounts']> {
    return attempt(() => this.#trades.tradeCounts(from, to));
  }

  statement(accountId: string, from: string, to: string): Promise<Statement> {
    return attempt(() =>
      this.#db.transaction(() =>
        statementOf(
          this.#accounts.require(accountId),
          from,
          to,
          this.#reads.statementLines(accountId, from, to),
        ),
      )(),
    );
  }

  settle(runBy: string): Promise<Settlement> {
    return attempt(() => this.#settlements.settle(runBy));
  }

  settlements(): Promise<readonly Settlement[]> {
    return attempt(() => this.#reads.settlements());
  }

  journal(from: string, to: string): Promise<readonly JournalRow[]> {
    return attempt(() => this.#reads.journal(from, to));
  }

  check(): Promise<BookCheck> {
    const heldMismatches = this.#holds.mismatches();
    return attempt(() => ({ ...this.#reads.sums(), heldMismatches }));
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}

/** Opens the book's file owner-only, in WAL mode, at the latest schema. */
function openBookFile(path: string): Database.Database {
  prepareOwnerOnlyDatabase(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  applySqliteMigrations(db, BILLING_MIGRATIONS);
  return db;
}

/** Runs a synchronous store operation as a promise (rejections, not throws). */
function attempt<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
