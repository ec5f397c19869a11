import type Database from 'better-sqlite3';
import type { Trade } from '../../../ledger-adapter/index.js';
import type { BillingStore } from '../billing-store.js';
import type { TradeRecord } from '../billing-types.js';
import { packId } from './book-ids.js';
import type { ReceiptBatches } from './receipt-batches.js';
import { recordOf, TRADE_COLUMNS, TRADE_FROM, tradeOf, type TradeRow } from './trade-records.js';

type Row = Record<string, unknown>;
type TradePageRow = TradeRow & { refund_entry_id: number | null };

/** The read queries of the billing book's trades; their receipts come from `batches`. */
export class TradeReads {
  readonly #db: Database.Database;
  readonly #batches: ReceiptBatches;
  readonly #tradeRow: Database.Statement<[Buffer | string], TradeRow>;
  readonly #pendingRows: Database.Statement<[number], TradeRow>;
  readonly #pendingTotal: Database.Statement<[], number>;
  readonly #tradePage: Database.Statement<[string, string, number, number], TradePageRow>;
  readonly #tradedPair: Database.Statement;
  readonly #tradeTotals: Database.Statement;

  constructor(db: Database.Database, batches: ReceiptBatches) {
    this.#db = db;
    this.#batches = batches;
    // Trades are found by their key (the id's bytes, see packId); trade_id is computed from it.
    this.#tradeRow = db.prepare<[Buffer | string], TradeRow>(
      `SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} WHERE t.trade_key = ?`,
    );
    this.#pendingRows = db.prepare<[number], TradeRow>(
      `SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} WHERE t.status = 'PENDING' ORDER BY t.entry_id LIMIT ?`,
    );
    this.#pendingTotal = db
      .prepare<[], number>("SELECT COUNT(*) FROM trades WHERE status = 'PENDING'")
      .pluck();
    // Trades in entry order from the page's start, their time checked on the way (`+e.at`): a page
    // costs its own rows, not a sort of the whole period.
    this.#tradePage = db.prepare<[string, string, number, number], TradePageRow>(
      `SELECT ${TRADE_COLUMNS}, r.entry_id AS refund_entry_id FROM ${TRADE_FROM} LEFT JOIN entries r ON r.kind = 'REFUND' AND r.reference = t.trade_id WHERE +e.at >= ? AND +e.at < ? AND t.entry_id > ? ORDER BY t.entry_id LIMIT ?`,
    );
    this.#tradedPair = db.prepare(
      'SELECT 1 FROM traded_pairs WHERE application_id = ? AND system_code = ?',
    );
    this.#tradeTotals = db.prepare(
      "SELECT COALESCE(SUM(t.amount_fen), 0) AS fen, COALESCE(SUM(t.status = 'PENDING'), 0) AS pending, COALESCE(SUM(t.status = 'RECORDED'), 0) AS recorded, COALESCE(SUM(t.status = 'REFUSED'), 0) AS refused FROM entries e JOIN trades t ON t.entry_id = e.entry_id WHERE e.at >= ? AND e.at < ? AND e.kind = 'CHARGE'",
    );
  }

  /** The oldest trades not yet on the ledger (nor refused), at most `limit`. */
  pendingTrades(limit: number): Trade[] {
    return this.#pendingRows.all(limit).map(tradeOf);
  }

  getTrade(tradeId: string): TradeRecord | undefined {
    const row = this.#tradeRow.get(packId(tradeId));
    return row && recordOf(row, this.#batches);
  }

  /** One page of a walk through a period's trades, oldest first. */
  tradePage(
    page: Parameters<BillingStore['tradePage']>[0],
  ): Awaited<ReturnType<BillingStore['tradePage']>> {
    return this.#tradePage.all(page.from, page.to, page.afterEntryId, page.limit).map((r) => ({
      ...recordOf(r, this.#batches),
      entryId: r.entry_id,
      refundEntryId: r.refund_entry_id,
    }));
  }

  /** The newest trades that match the filter, at most `filter.limit`. */
  listTrades(filter: Parameters<BillingStore['listTrades']>[0]): TradeRecord[] {
    const conditions: [string, ...unknown[]][] = [];
    if (filter.applicationId) conditions.push(tradesOfParty(filter.applicationId, 'APPLICATION'));
    if (filter.systemCode) conditions.push(tradesOfParty(filter.systemCode, 'SYSTEM'));
    if (filter.from) conditions.push(['e.at >= ?', filter.from]);
    if (filter.to) conditions.push(['e.at < ?', filter.to]);
    const where = conditions.map(([sql]) => sql);
    const args = conditions.flatMap(([, ...values]) => values);
    const sql = `SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.entry_id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...args, filter.limit) as TradeRow[]).map((r) =>
      recordOf(r, this.#batches),
    );
  }

  /** True when the application has paid the system in at least one trade. */
  tradedWith(applicationId: string, systemCode: string): boolean {
    return this.#tradedPair.get(applicationId, systemCode) !== undefined;
  }

  /** How many trades wait for the ledger. */
  pendingCount(): number {
    return this.#pendingTotal.get() ?? 0;
  }

  /** Trades in `[from, to)` by status. */
  tradeCounts(from: string, to: string): Awaited<ReturnType<BillingStore['tradeCounts']>> {
    const r = this.#tradeTotals.get(from, to) as Row;
    return {
      pending: Number(r['pending']),
      recorded: Number(r['recorded']),
      refused: Number(r['refused']),
      amountFen: Number(r['fen']),
    };
  }
}

/** A trade's parties are the accounts its CHARGE entry posts to, and those it names that moved 0 fen (`unpaid_parties`). */
function tradesOfParty(accountId: string, kind: 'APPLICATION' | 'SYSTEM'): [string, ...unknown[]] {
  const party = `(SELECT account_no FROM accounts WHERE account_id = ? AND kind = '${kind}')`;
  return [
    `t.entry_id IN (SELECT entry_id FROM postings WHERE account_no = ${party} UNION ALL SELECT entry_id FROM unpaid_parties WHERE account_no = ${party})`,
    accountId,
    accountId,
  ];
}
