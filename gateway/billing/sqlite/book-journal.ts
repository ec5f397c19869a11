import type Database from 'better-sqlite3';
import type { EntryKind } from '../billing-types.js';

/** An account's number, from its id, inside a statement. */
export const ACCOUNT_NO = '(SELECT account_no FROM accounts WHERE account_id = ?)';

/** Postings as written: each account's amount, in fen. */
export type Postings = readonly (readonly [string, number])[];

/**
 * The book's journal: balanced entries, their postings, their memos, and the balances they move.
 * Every write happens inside the caller's transaction.
 */
export class BookJournal {
  readonly #now: () => string;
  readonly #insertEntry: Database.Statement;
  readonly #entryExists: Database.Statement;
  readonly #memoByText: Database.Statement<[string], number>;
  readonly #insertMemo: Database.Statement;
  readonly #insertPosting: Database.Statement;
  readonly #addBalance: Database.Statement;
  /** While a group of charges is written, balance changes collect here and are applied once per account. */
  #deferredBalances: Map<string, number> | undefined;

  constructor(db: Database.Database, now: () => string) {
    this.#now = now;
    this.#insertEntry = db.prepare(
      'INSERT INTO entries (at, kind, reference, memo_id) VALUES (?, ?, ?, ?)',
    );
    this.#entryExists = db.prepare('SELECT entry_id FROM entries WHERE kind = ? AND reference = ?');
    // Memos are kept once; looked up each time (an id remembered in memory could outlive a rolled-back insert).
    this.#memoByText = db
      .prepare<[string], number>('SELECT memo_id FROM memos WHERE memo = ?')
      .pluck();
    this.#insertMemo = db.prepare('INSERT INTO memos (memo) VALUES (?)');
    this.#insertPosting = db.prepare(
      `INSERT INTO postings (entry_id, account_no, amount_fen) VALUES (?, ${ACCOUNT_NO}, ?)`,
    );
    this.#addBalance = db.prepare(
      'UPDATE accounts SET balance_fen = balance_fen + ? WHERE account_id = ?',
    );
  }

  /** True when an entry of this kind already has this reference. */
  has(kind: EntryKind, reference: string): boolean {
    return this.#entryExists.get(kind, reference) !== undefined;
  }

  /**
   * Appends a balanced entry and moves the balances with it. Returns the entry id. A trade's
   * CHARGE keeps no reference (`reference` null): the trade's row, keyed by the entry, holds its id.
   *
   * @throws Error when the postings do not sum to 0
   */
  post(
    kind: EntryKind,
    reference: string | null,
    memo: string,
    postings: Postings,
    at = this.#now(),
  ): number {
    const merged = netAmounts(postings);
    let sum = 0;
    for (const amount of merged.values()) sum += amount;
    if (sum !== 0)
      throw new Error(`unbalanced ${kind} entry ${reference ?? ''}: postings sum to ${sum}`);
    const entryId = Number(
      this.#insertEntry.run(at, kind, reference, this.#memoId(memo)).lastInsertRowid,
    );
    for (const [account, amount] of merged) {
      if (amount === 0) continue;
      this.#insertPosting.run(entryId, account, amount);
      this.#moveBalance(account, amount);
    }
    return entryId;
  }

  /**
   * Runs `work` with its balance moves collected instead of written, and returns them with its
   * result: a group of charges writes each account's balance once ({@link moveBalances}).
   */
  collectingBalances<T>(work: () => T): {
    readonly value: T;
    readonly balances: Map<string, number>;
  } {
    const balances = new Map<string, number>();
    this.#deferredBalances = balances;
    try {
      return { value: work(), balances };
    } finally {
      this.#deferredBalances = undefined;
    }
  }

  /** Writes collected balance moves, one update per account that moved. */
  moveBalances(balances: ReadonlyMap<string, number>): void {
    for (const [account, amount] of balances)
      if (amount !== 0) this.#addBalance.run(amount, account);
  }

  #moveBalance(account: string, amount: number): void {
    if (this.#deferredBalances)
      this.#deferredBalances.set(account, (this.#deferredBalances.get(account) ?? 0) + amount);
    else this.#addBalance.run(amount, account);
  }

  #memoId(memo: string): number {
    return this.#memoByText.get(memo) ?? Number(this.#insertMemo.run(memo).lastInsertRowid);
  }
}

/** The net amount of each account in a list of postings. */
export function netAmounts(postings: Postings): Map<string, number> {
  const net = new Map<string, number>();
  for (const [account, amount] of postings) net.set(account, (net.get(account) ?? 0) + amount);
  return net;
}

/** Adds `moves` into `total`, account by account. */
export function addBalances(total: Map<string, number>, moves: ReadonlyMap<string, number>): void {
  for (const [account, amount] of moves) total.set(account, (total.get(account) ?? 0) + amount);
}
