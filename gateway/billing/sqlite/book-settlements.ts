import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { EXTERNAL_ACCOUNT, type Settlement } from '../billing-types.js';
import type { BookAccounts } from './book-accounts.js';
import type { BookJournal } from './book-journal.js';
import type { TradeReads } from './trade-reads.js';

type Row = Record<string, unknown>;
type Payout = Settlement['payouts'][number];

/** The epoch from which the first settlement period runs. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/**
 * The book's settlement periods: each run closes the period since the previous one and pays
 * every system with a positive receivable out. Nothing is dated inside a closed period.
 */
export class BookSettlements {
  readonly #db: Database.Database;
  readonly #journal: BookJournal;
  readonly #accounts: BookAccounts;
  readonly #reads: TradeReads;
  readonly #now: () => string;
  readonly #lastSettlement: Database.Statement;
  readonly #insertSettlement: Database.Statement;
  readonly #settle: (runBy: string) => Settlement;
  /** The end of the last settled period, kept in step by {@link settle}. */
  #closedUntil: string;

  constructor(
    db: Database.Database,
    parts: {
      readonly journal: BookJournal;
      readonly accounts: BookAccounts;
      readonly reads: TradeReads;
      readonly now: () => string;
    },
  ) {
    this.#db = db;
    this.#journal = parts.journal;
    this.#accounts = parts.accounts;
    this.#reads = parts.reads;
    this.#now = parts.now;
    this.#closedUntil =
      ((db.prepare('SELECT MAX(period_to) AS at FROM settlements').get() as Row)['at'] as
        string | null) ?? '';
    this.#lastSettlement = db.prepare(
      'SELECT * FROM settlements ORDER BY settlement_id DESC LIMIT 1',
    );
    this.#insertSettlement = db.prepare(
      'INSERT INTO settlements (period_from, period_to, run_by, trades, traded_fen, payouts, digest) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#settle = db.transaction((runBy: string) => this.#closePeriod(runBy));
  }

  /** Now, but never inside a period already settled. */
  openPeriodNow(): string {
    const at = this.#now();
    return this.#closedUntil > at ? this.#closedUntil : at;
  }

  /** Closes the period from the last settlement to now and records the settlement, in one transaction. */
  settle(runBy: string): Settlement {
    return this.#settle(runBy);
  }

  #closePeriod(runBy: string): Settlement {
    const previous = this.#lastSettlement.get() as Row | undefined;
    const from = previous ? String(previous['period_to']) : BEGINNING;
    const to = this.#periodEnd(from);
    const totals = this.#reads.tradeCounts(from, to);
    const payouts = this.#payable();
    const content = {
      from,
      to,
      runBy,
      trades: totals.pending + totals.recorded + totals.refused,
      tradedFen: totals.amountFen,
      payouts,
    };
    const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    const id = Number(
      this.#insertSettlement.run(
        from,
        to,
        runBy,
        content.trades,
        content.tradedFen,
        JSON.stringify(payouts),
        digest,
      ).lastInsertRowid,
    );
    this.#closedUntil = to;
    this.#payOut(id, from, to, payouts);
    return { id, ...content, digest };
  }

  /** The period ends now, and after everything already in the book (whose clocks may run ahead by a millisecond). */
  #periodEnd(from: string): string {
    const latest = (this.#db.prepare('SELECT MAX(at) AS at FROM entries').get() as Row)['at'];
    const floor =
      Math.max(Date.parse(from), typeof latest === 'string' ? Date.parse(latest) : 0) + 1;
    return new Date(Math.max(Date.parse(this.#now()), floor)).toISOString();
  }

  /** Every system's positive receivable. */
  #payable(): Payout[] {
    const rows = this.#db
      .prepare(
        "SELECT account_id, balance_fen FROM accounts WHERE kind = 'SYSTEM' AND balance_fen > 0 ORDER BY account_id",
      )
      .all() as Row[];
    return rows.map((r) => ({
      systemCode: String(r['account_id']),
      amountFen: Number(r['balance_fen']),
    }));
  }

  #payOut(id: number, from: string, to: string, payouts: readonly Payout[]): void {
    if (payouts.length > 0) this.#accounts.open(EXTERNAL_ACCOUNT, 'EXTERNAL');
    for (const p of payouts)
      this.#journal.post(
        'PAYOUT',
        `settlement-${id}:${p.systemCode}`,
        `settlement ${id}: payout for ${from} to ${to}`,
        [
          [p.systemCode, -p.amountFen],
          [EXTERNAL_ACCOUNT, p.amountFen],
        ],
        to,
      );
  }
}
