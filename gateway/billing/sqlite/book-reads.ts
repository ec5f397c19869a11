import type Database from 'better-sqlite3';
import type { Trade } from '../../../ledger-adapter/contract/records.js';
import type { BillingStore } from '../billing-store.js';
import type {
  BookCheck,
  EntryKind,
  JournalRow,
  Settlement,
  StatementLine,
  TradeRecord,
} from '../billing-types.js';
import { packId } from './book-ids.js';
import type { ReceiptBatches } from './receipt-batches.js';
import { recordOf, TRADE_COLUMNS, TRADE_FROM, tradeOf, type TradeRow } from './trade-records.js';

type Row = Record<string, unknown>;

/** What an entry is read as (`SELECT ${ENTRY_COLUMNS} FROM ... JOIN ${ENTRY_FROM}`, `e` the entry): a trade's CHARGE has its trade's id as its reference. */
const ENTRY_COLUMNS =
  "e.entry_id, e.at, e.kind, COALESCE(e.reference, t.trade_id, '') AS reference, m.memo";
const ENTRY_FROM =
  'entries e USING (entry_id) JOIN memos m ON m.memo_id = e.memo_id LEFT JOIN trades t ON e.reference IS NULL AND t.entry_id = e.entry_id';

/** The book's reads that need nothing but its file (the store adds what it holds in memory). */
export interface BookReads {
  pendingTrades(limit: number): Trade[];
  getTrade(tradeId: string): TradeRecord | undefined;
  tradePage(
    ...page: Parameters<BillingStore['tradePage']>
  ): Awaited<ReturnType<BillingStore['tradePage']>>;
  listTrades(...filter: Parameters<BillingStore['listTrades']>): TradeRecord[];
  tradedWith(applicationId: string, systemCode: string): boolean;
  pendingCount(): number;
  tradeCounts(from: string, to: string): Awaited<ReturnType<BillingStore['tradeCounts']>>;
  /** An account's balance before `from` and its lines in `[from, to)`, without running balances. */
  statementLines(
    accountId: string,
    from: string,
    to: string,
  ): { openingFen: number; lines: Omit<StatementLine, 'balanceFen'>[] };
  journal(from: string, to: string): JournalRow[];
  settlements(): Settlement[];
  /** The self-check's sums over the file. */
  sums(): Omit<BookCheck, 'heldMismatches'>;
}

/** The read queries of the billing book's SQLite file; trades' receipts come from `batches`. */
export function bookReads(db: Database.Database, batches: ReceiptBatches): BookReads {
  // Trades are found by their key (the id's bytes, see packId); trade_id is computed from it.
  const tradeRow = db.prepare<[Buffer | string], TradeRow>(
    `SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} WHERE t.trade_key = ?`,
  );
  const pendingRows = db.prepare<[number], TradeRow>(
    `SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} WHERE t.status = 'PENDING' ORDER BY t.entry_id LIMIT ?`,
  );
  const pendingTotal = db
    .prepare<[], number>("SELECT COUNT(*) FROM trades WHERE status = 'PENDING'")
    .pluck();
  // Trades in entry order from the page's start, their time checked on the way (`+e.at`): a page
  // costs its own rows, not a sort of the whole period.
  const tradePage = db.prepare<
    [string, string, number, number],
    TradeRow & { refund_entry_id: number | null }
  >(
    `SELECT ${TRADE_COLUMNS}, r.entry_id AS refund_entry_id FROM ${TRADE_FROM} LEFT JOIN entries r ON r.kind = 'REFUND' AND r.reference = t.trade_id WHERE +e.at >= ? AND +e.at < ? AND t.entry_id > ? ORDER BY t.entry_id LIMIT ?`,
  );
  const tradedPair = db.prepare(
    'SELECT 1 FROM traded_pairs WHERE application_id = ? AND system_code = ?',
  );
  const tradeTotals = db.prepare(
    "SELECT COALESCE(SUM(t.amount_fen), 0) AS fen, COALESCE(SUM(t.status = 'PENDING'), 0) AS pending, COALESCE(SUM(t.status = 'RECORDED'), 0) AS recorded, COALESCE(SUM(t.status = 'REFUSED'), 0) AS refused FROM entries e JOIN trades t ON t.entry_id = e.entry_id WHERE e.at >= ? AND e.at < ? AND e.kind = 'CHARGE'",
  );
  const accountNo = db
    .prepare<[string], number>('SELECT account_no FROM accounts WHERE account_id = ?')
    .pluck();
  const balanceBefore = db
    .prepare<[number | undefined, string], number>(
      'SELECT COALESCE(SUM(p.amount_fen), 0) FROM postings p JOIN entries e USING (entry_id) WHERE p.account_no = ? AND e.at < ?',
    )
    .pluck();
  const linesBetween = db.prepare(
    `SELECT ${ENTRY_COLUMNS}, p.amount_fen FROM postings p JOIN ${ENTRY_FROM} WHERE p.account_no = ? AND e.at >= ? AND e.at < ? ORDER BY e.at, e.entry_id`,
  );
  const journalRows = db.prepare(
    `SELECT ${ENTRY_COLUMNS}, a.account_id, p.amount_fen FROM postings p JOIN accounts a USING (account_no) JOIN ${ENTRY_FROM} WHERE e.at >= ? AND e.at < ? ORDER BY e.entry_id, a.account_id`,
  );

  return {
    pendingTrades: (limit) => pendingRows.all(limit).map(tradeOf),
    getTrade(tradeId) {
      const row = tradeRow.get(packId(tradeId));
      return row && recordOf(row, batches);
    },
    tradePage: (page) =>
      tradePage.all(page.from, page.to, page.afterEntryId, page.limit).map((r) => ({
        ...recordOf(r, batches),
        entryId: r.entry_id,
        refundEntryId: r.refund_entry_id,
      })),
    listTrades(filter) {
      const conditions: [string, ...unknown[]][] = [];
      if (filter.applicationId) conditions.push(tradesOfParty(filter.applicationId, 'APPLICATION'));
      if (filter.systemCode) conditions.push(tradesOfParty(filter.systemCode, 'SYSTEM'));
      if (filter.from) conditions.push(['e.at >= ?', filter.from]);
      if (filter.to) conditions.push(['e.at < ?', filter.to]);
      const where = conditions.map(([sql]) => sql);
      const args = conditions.flatMap(([, ...values]) => values);
      const sql = `SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.entry_id DESC LIMIT ?`;
      return (db.prepare(sql).all(...args, filter.limit) as TradeRow[]).map((r) =>
        recordOf(r, batches),
      );
    },
    tradedWith: (applicationId, systemCode) =>
      tradedPair.get(applicationId, systemCode) !== undefined,
    pendingCount: () => pendingTotal.get() ?? 0,
    tradeCounts(from, to) {
      const r = tradeTotals.get(from, to) as Row;
      return {
        pending: Number(r['pending']),
        recorded: Number(r['recorded']),
        refused: Number(r['refused']),
        amountFen: Number(r['fen']),
      };
    },
    statementLines(accountId, from, to) {
      const number = accountNo.get(accountId);
      const lines = (linesBetween.all(number, from, to) as Row[]).map((r) => ({
        entryId: Number(r['entry_id']),
        at: String(r['at']),
        kind: String(r['kind']) as EntryKind,
        reference: String(r['reference']),
        amountFen: Number(r['amount_fen']),
        memo: String(r['memo']),
      }));
      return { openingFen: balanceBefore.get(number, from) ?? 0, lines };
    },
    journal: (from, to) =>
      (journalRows.all(from, to) as Row[]).map((r): JournalRow => ({
        entryId: Number(r['entry_id']),
        at: String(r['at']),
        kind: String(r['kind']) as EntryKind,
        reference: String(r['reference']),
        accountId: String(r['account_id']),
        amountFen: Number(r['amount_fen']),
        memo: String(r['memo']),
      })),
    settlements: () =>
      (db.prepare('SELECT * FROM settlements ORDER BY settlement_id').all() as Row[]).map(
        toSettlement,
      ),
    sums() {
      const sum = Number(
        (db.prepare('SELECT COALESCE(SUM(balance_fen), 0) AS s FROM accounts').get() as Row)['s'],
      );
      const unbalanced = (
        db
          .prepare('SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_fen) <> 0')
          .all() as Row[]
      ).map((r) => Number(r['entry_id']));
      const drifted = (
        db
          .prepare(
            'SELECT a.account_id FROM accounts a LEFT JOIN (SELECT account_no, SUM(amount_fen) AS s FROM postings GROUP BY account_no) p USING (account_no) WHERE a.balance_fen <> COALESCE(p.s, 0)',
          )
          .all() as Row[]
      ).map((r) => String(r['account_id']));
      return { sumOfBalancesFen: sum, unbalancedEntries: unbalanced, driftedAccounts: drifted };
    },
  };
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
