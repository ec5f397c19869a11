import type Database from 'better-sqlite3';
import type { Trade } from '../../../ledger-adapter/index.js';
import { BookConflict } from '../billing-store.js';
import { PLATFORM_ACCOUNT, type Account } from '../billing-types.js';
import type { BookAccounts } from './book-accounts.js';
import { packId } from './book-ids.js';
import { ACCOUNT_NO, addBalances, netAmounts, type BookJournal } from './book-journal.js';
import type { QueryHolds } from './query-holds.js';
import type { TradeBodies } from './trade-bodies.js';

/** A charge waiting for its group's transaction. */
interface QueuedCharge {
  readonly accountId: string;
  readonly terms: Omit<Trade, 'at'>;
  readonly memo: string;
  readonly resolve: (trade: Trade) => void;
  readonly reject: (error: Error) => void;
  /** Releases the charge's held money once the charge is written or refused. */
  readonly spent: () => void;
}

type Outcome = { trade: Trade; error?: undefined } | { error: Error; trade?: undefined };

/** What a charge needs of the rest of the book. */
export interface ChargeParts {
  readonly journal: BookJournal;
  readonly accounts: BookAccounts;
  readonly holds: QueryHolds;
  readonly bodies: TradeBodies;
  /** Dates a trade, never inside a settled period. */
  readonly openPeriodNow: () => string;
}

/**
 * Turns holds into charges. Charges that arrive in the same turn of the event loop share one
 * transaction (group commit): a busy gateway writes each table's pages once per group, not once
 * per query. Each charge is still all or nothing (its own savepoint: a refusal undoes only it).
 */
export class BookCharges {
  readonly #parts: ChargeParts;
  readonly #insertTrade: Database.Statement;
  readonly #insertPair: Database.Statement;
  readonly #insertUnpaid: Database.Statement;
  readonly #chargeOne: (accountId: string, terms: Omit<Trade, 'at'>, memo: string) => Trade;
  readonly #writeGroup: (group: readonly QueuedCharge[]) => Outcome[];
  #queued: QueuedCharge[] = [];

  constructor(db: Database.Database, parts: ChargeParts) {
    this.#parts = parts;
    this.#insertTrade = db.prepare(
      "INSERT INTO trades (entry_id, trade_key, resolution_id, body_id, amount_fen, status) VALUES (?, ?, ?, ?, ?, 'PENDING')",
    );
    this.#insertPair = db.prepare(
      'INSERT OR IGNORE INTO traded_pairs (application_id, system_code) VALUES (?, ?)',
    );
    this.#insertUnpaid = db.prepare(
      `INSERT OR IGNORE INTO unpaid_parties (account_no, entry_id) VALUES (${ACCOUNT_NO}, ?)`,
    );
    this.#chargeOne = db.transaction((accountId: string, terms: Omit<Trade, 'at'>, memo: string) =>
      this.#writeCharge(accountId, terms, memo),
    );
    this.#writeGroup = db.transaction((group: readonly QueuedCharge[]) =>
      this.#writeCharges(group),
    );
  }

  /**
   * Turns a hold into a charge, written with the other charges of this turn of the event loop.
   *
   * @throws BookConflict INVALID_STATE (as a rejection) when the hold is gone, another
   *   application's, or smaller than the amount
   */
  charge(
    holdId: string,
    terms: Omit<Trade, 'at'>,
    memo: string,
  ): Promise<{ account: Account; trade: Trade }> {
    const hold = this.#parts.holds.startCharge(holdId);
    if (!hold)
      return Promise.reject(
        new BookConflict(
          'INVALID_STATE',
          `hold ${holdId} is not open; the query was already charged or released.`,
        ),
      );
    if (hold.accountId !== terms.applicationId || terms.amountFen > hold.amountFen) {
      hold.spent();
      const why =
        hold.accountId !== terms.applicationId
          ? `hold ${holdId} belongs to ${hold.accountId}, not ${terms.applicationId}`
          : `trade ${terms.tradeId} costs ${terms.amountFen} fen, more than the ${hold.amountFen} fen held for it`;
      return Promise.reject(new BookConflict('INVALID_STATE', why));
    }
    return new Promise<Trade>((resolve, reject) => {
      if (this.#queued.length === 0) setImmediate(() => this.#flush());
      this.#queued.push({
        accountId: hold.accountId,
        terms,
        memo,
        resolve,
        reject,
        spent: hold.spent,
      });
    }).then((trade) => ({ account: this.#parts.accounts.require(hold.accountId), trade }));
  }

  /** Writes the queued charges in one transaction and settles each one's promise. */
  #flush(): void {
    const group = this.#queued;
    this.#queued = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.#writeGroup(group);
    } catch (error) {
      this.#parts.accounts.forgetOpened();
      for (const item of group) {
        item.spent();
        item.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return;
    }
    for (const item of group) item.spent();
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.trade) item.resolve(outcome.trade);
      else item.reject(outcome?.error ?? new Error('charge lost'));
    });
  }

  /** Each charge's balance changes count only if its savepoint holds; they are written once per account. */
  #writeCharges(group: readonly QueuedCharge[]): Outcome[] {
    const { journal, accounts } = this.#parts;
    const balances = new Map<string, number>();
    const outcomes = group.map((item): Outcome => {
      try {
        const charged = journal.collectingBalances(() =>
          this.#chargeOne(item.accountId, item.terms, item.memo),
        );
        addBalances(balances, charged.balances);
        return { trade: charged.value };
      } catch (error) {
        // Accounts it opened were rolled back with it.
        accounts.forgetOpened();
        return { error: error instanceof Error ? error : new Error(String(error)) };
      }
    });
    journal.moveBalances(balances);
    return outcomes;
  }

  /** One charge, inside a group's transaction. */
  #writeCharge(accountId: string, terms: Omit<Trade, 'at'>, memo: string): Trade {
    const { journal, accounts, bodies } = this.#parts;
    const trade: Trade = { ...terms, at: this.#parts.openPeriodNow() };
    accounts.ensure(PLATFORM_ACCOUNT, 'PLATFORM');
    for (const payee of trade.payees) accounts.ensure(payee.systemCode, 'SYSTEM');
    const shares: [string, number][] = [
      [accountId, -trade.amountFen],
      ...trade.payees.map((p): [string, number] => [p.systemCode, p.amountFen]),
      [PLATFORM_ACCOUNT, trade.platformFeeFen],
    ];
    // The entry's time is the trade's: the trade's row keeps only its id, resolution and shared body.
    const entryId = journal.post('CHARGE', null, memo, shares, trade.at);
    this.#insertTrade.run(
      entryId,
      packId(trade.tradeId),
      packId(trade.resolutionId),
      bodies.idOf(trade),
      trade.amountFen,
    );
    // A party that moved 0 fen has no posting; listing its trades still finds this one.
    const net = netAmounts(shares);
    for (const party of [accountId, ...trade.payees.map((p) => p.systemCode)])
      if (net.get(party) === 0) this.#insertUnpaid.run(party, entryId);
    for (const payee of trade.payees) this.#insertPair.run(trade.applicationId, payee.systemCode);
    return trade;
  }
}
