import type Database from 'better-sqlite3';
import type { BookCheck, EntryKind, JournalRow, Settlement } from '../billing-types.js';
import type { StatementMovements } from './book-statements.js';

type Row = Record<string, unknown>;

/** What an entry is read as (`SELECT ${ENTRY_COLUMNS} FROM ... JOIN ${ENTRY_FROM}`, `e` the entry): a trade's CHARGE has its trade's id as its reference. */
const ENTRY_COLUMNS =
  "e.entry_id, e.at, e.kind, COALESCE(e.reference, t.trade_id, '') AS reference, m.memo";
const ENTRY_FROM =
  'entries e USING (entry_id) JOIN memos m ON m.memo_id = e.memo_id LEFT JOIN trades t ON e.reference IS NULL AND t.entry_id = e.entry_id';

/**
 * The read queries of the billing book's journal, statements and settlements: what needs nothing
 * but its file (the store adds what it holds in memory). Trades are read by {@link TradeReads}.
 */
export class BookReads {
  readonly #db: Database.Database;
  readonly #accountNo: Database.Statement<[string], number>;
  readonly #balanceBefore: Database.Statement<[number | undefined, string], number>;
  readonly #linesBetween: Database.Statement;
  readonly #journalRows: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#accountNo = db
      .prepare<[string], number>('SELECT account_no FROM accounts WHERE account_id = ?')
      .pluck();
    this.#balanceBefore = db
      .prepare<[number | undefined, string], number>(
        'SELECT COALESCE(SUM(p.amount_fen), 0) FROM postings p JOIN entries e USING (entry_id) WHERE p.account_no = ? AND e.at < ?',
      )
      .pluck();
    this.#linesBetween = db.prepare(
      `SELECT ${ENTRY_COLUMNS}, p.amount_fen FROM postings p JOIN ${ENTRY_FROM} WHERE p.account_no = ? AND e.at >= ? AND e.at < ? ORDER BY e.at, e.entry_id`,
    );
    this.#journalRows = db.prepare(
      `SELECT ${ENTRY_COLUMNS}, a.account_id, p.amount_fen FROM postings p JOIN accounts a USING (account_no) JOIN ${ENTRY_FROM} WHERE e.at >= ? AND e.at < ? ORDER BY e.entry_id, a.account_id`,
    );
  }

  /** An account's balance before `from` and its lines in `[from, to)`, without running balances. */
  statementLines(accountId: string, from: string, to: string): StatementMovements {
    const number = this.#accountNo.get(accountId);
    const lines = (this.#linesBetween.all(number, from, to) as Row[]).map((r) => ({
      entryId: Number(r['entry_id']),
      at: String(r['at']),
      kind: String(r['kind']) as EntryKind,
      reference: String(r['reference']),
      amountFen: Number(r['amount_fen']),
      memo: String(r['memo']),
    }));
    return { openingFen: this.#balanceBefore.get(number, from) ?? 0, lines };
  }

  /** Every posting in `[from, to)`, entry by entry. */
  journal(from: string, to: string): JournalRow[] {
    return (this.#journalRows.all(from, to) as Row[]).map((r): JournalRow => ({
      entryId: Number(r['entry_id']),
      at: String(r['at']),
      kind: String(r['kind']) as EntryKind,
      reference: String(r['reference']),
      accountId: String(r['account_id']),
      amountFen: Number(r['amount_fen']),
      memo: String(r['memo']),
    }));
  }

  settlements(): Settlement[] {
    return (
      this.#db.prepare('SELECT * FROM settlements ORDER BY settlement_id').all() as Row[]
    ).map(toSettlement);
  }

  /** The self-check's sums over the file. */
  sums(): Omit<BookCheck, 'heldMismatches'> {
    const sum = Number(
      (this.#db.prepare('SELECT COALESCE(SUM(balance_fen), 0) AS s FROM accounts').get() as Row)[
        's'
      ],
    );
    const unbalanced = (
      this.#db
        .prepare('SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_fen) <> 0')
        .all() as Row[]
    ).map((r) => Number(r['entry_id']));
    const drifted = (
      this.#db
        .prepare(
          'SELECT a.account_id FROM accounts a LEFT JOIN (SELECT account_no, SUM(amount_fen) AS s FROM postings GROUP BY account_no) p USING (account_no) WHERE a.balance_fen <> COALESCE(p.s, 0)',
        )
        .all() as Row[]
    ).map((r) => String(r['account_id']));
    return { sumOfBalancesFen: sum, unbalancedEntries: unbalanced, driftedAccounts: drifted };
  }
}

function toSettlement(row: Row): Settlement {
  return {
    id: Number(row['settlement_id']),
    from: String(row['period_from']),
    to: String(row['period_to']),
    runBy: String(row['run_by']),
    trades: Number(row['trades']),
    tradedFen: Number(row['traded_fen']),
    payouts: JSON.parse(String(row['payouts'])) as Settlement['payouts'],
    digest: String(row['digest']),
  };
}
