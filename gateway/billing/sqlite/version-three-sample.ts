import Database from 'better-sqlite3';
import { buildReceipts, type Trade, type TradeReceipt } from '../../../ledger-adapter/index.js';
import type { JournalRow } from '../billing-types.js';
import { VersionThreeBook } from './version-three-book.js';

/*
 * A sample billing book of schema version 3 with every kind of row, and what it shows read with
 * version 3's own queries: the tests of migration 4 check that today's store shows the same.
 */

type Row = Record<string, unknown>;
const id = (n: number): string => n.toString(16).padStart(64, '0');

/** A single-device trade paying 88.1001.1 and 88.1001.2 (and 88.1001.3 when `c` is given). */
export function tradeOf(
  at: string,
  tradeId: string,
  applicationId: string,
  fen: { a: number; b: number; c?: number; platform: number },
): Trade {
  const shares: [string, number][] = [
    ['88.1001.1', fen.a],
    ['88.1001.2', fen.b],
    ...(fen.c === undefined ? [] : [['88.1001.3', fen.c] as [string, number]]),
  ];
  return {
    tradeId,
    applicationId,
    resolutionId: tradeId.startsWith('T-')
      ? `R-${tradeId}`
      : id(Number.parseInt(tradeId, 16) + 1_000),
    function: 'monitoring',
    items: [
      { deviceId: '88.1001.1/INV-1', fieldCodes: shares.map(([system]) => `${system}.F0001`) },
    ],
    payees: shares.map(([systemCode, amountFen]) => ({
      systemCode,
      grossFen: amountFen + 1,
      amountFen,
    })),
    platformFeeFen: fen.platform,
    amountFen: shares.reduce((sum, [, amount]) => sum + amount, fen.platform),
    at,
  };
}

/** A version 3 book with every kind of row: recorded trades in whole and partial ledger batches, odd receipts, pending, refused and free trades, a settlement. */
export function writeVersionThreeBook(path: string): {
  trades: Trade[];
  whole: string[];
  receiptsWhole: string[];
} {
  const book = new VersionThreeBook(path);
  for (const [account, kind] of [
    ['APP-0001', 'APPLICATION'],
    ['APP-0002', 'APPLICATION'],
    ['88.1001.1', 'SYSTEM'],
    ['88.1001.2', 'SYSTEM'],
    ['88.1001.3', 'SYSTEM'],
    ['PLATFORM', 'PLATFORM'],
    ['EXTERNAL', 'EXTERNAL'],
  ])
    book.open(account as string, kind as string);
  book.post('TOP_UP', 'BANK-1', 'first payment', [
    ['EXTERNAL', -10_000],
    ['APP-0001', 10_000],
  ]);
  book.post('TOP_UP', 'BANK-2', 'second payment', [
    ['EXTERNAL', -500],
    ['APP-0002', 500],
  ]);
  book.post('REGISTRATION_FEE', '88.1001.3', 'registration of business system 88.1001.3', [
    ['88.1001.3', -50],
    ['PLATFORM', 50],
  ]);
  const memo = 'monitoring: 1 device(s), 2 value(s); platform: commission 2 + resolution fee 1';
  const trades = Array.from({ length: 9 }, (_, i) =>
    tradeOf(book.at(), i === 8 ? 'T-9' : id(i + 1), 'APP-0001', { a: 3 + i, b: 2, platform: 3 }),
  );
  for (const t of trades) book.charge(t, memo);
  const batch = buildReceipts(trades.slice(0, 5), 'c1'.repeat(32)).receipts;
  const single = buildReceipts([trades[5] as Trade], 'c2'.repeat(32)).receipts;
  const partial = buildReceipts(
    [trades[6] as Trade, trades[7] as Trade, { ...(trades[0] as Trade), tradeId: 'elsewhere' }],
    'c3'.repeat(32),
  ).receipts.slice(0, 2);
  book.record([
    batch[2],
    batch[0],
    ...single,
    batch[4],
    ...partial,
    batch[1],
    batch[3],
  ] as TradeReceipt[]);
  book.record([{ tradeId: 'T-9', txId: 'tx-9', leafHash: 'leaf', merkleRoot: 'root', proof: [] }]);
  const pending = tradeOf(book.at(), id(10), 'APP-0001', { a: 1, b: 1, platform: 1 });
  const refused = tradeOf(book.at(), id(11), 'APP-0001', { a: 4, b: 4, platform: 1 });
  const zeroPayee = tradeOf(book.at(), id(12), 'APP-0002', { a: 5, b: 5, c: 0, platform: 2 });
  const free = tradeOf(book.at(), id(13), 'APP-0002', { a: 0, b: 0, platform: 0 });
  const otherTime = tradeOf(book.at(), id(14), 'APP-0002', { a: 1, b: 2, platform: 1 });
  const reordered = tradeOf(book.at(), id(15), 'APP-0002', { a: 2, b: 2, platform: 1 });
  for (const t of [pending, refused, zeroPayee, free]) book.charge(t, memo);
  book.charge(otherTime, memo, { entryAt: book.at() });
  const { at, tradeId, ...rest } = reordered;
  book.charge(reordered, 'reordered', { body: JSON.stringify({ at, ...rest, tradeId }) });
  book.refund(id(11));
  book.record(buildReceipts([zeroPayee, free], 'c4'.repeat(32)).receipts);
  book.settle();
  book.close();
  return {
    trades: [...trades, pending, refused, zeroPayee, free, otherTime, reordered],
    whole: [id(14)],
    receiptsWhole: [id(7), id(8), 'T-9'],
  };
}

/** What a version 3 book shows, read with version 3's own queries. */
export function readVersionThree(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const accounts = db
      .prepare(
        'SELECT account_id, kind, balance_fen, credit_limit_fen, created_at FROM accounts ORDER BY account_id',
      )
      .all() as Row[];
    const payees = db
      .prepare('SELECT DISTINCT application_id, system_code FROM trade_payees ORDER BY 1, 2')
      .all() as Row[];
    return {
      trades: readTrades(db),
      journal: readJournal(db),
      accounts,
      statements: readStatements(db, accounts),
      payees,
      ...readPartiesTrades(db),
      settlements: db.prepare('SELECT * FROM settlements').all() as Row[],
    };
  } finally {
    db.close();
  }
}

function readTrades(db: Database.Database) {
  return (
    db
      .prepare(
        "SELECT t.*, r.entry_id AS refund_entry_id FROM trades t LEFT JOIN entries r ON r.kind = 'REFUND' AND r.reference = t.trade_id ORDER BY t.entry_id",
      )
      .all() as Row[]
  ).map((r) => ({
    trade: JSON.parse(String(r['body'])) as Trade,
    status: r['status'],
    receipt: typeof r['receipt'] === 'string' ? (JSON.parse(r['receipt']) as TradeReceipt) : null,
    refusal: r['refusal'],
    entryId: r['entry_id'],
    refundEntryId: r['refund_entry_id'],
  }));
}

function readJournal(db: Database.Database): JournalRow[] {
  return (
    db
      .prepare(
        'SELECT e.entry_id, e.at, e.kind, e.reference, e.memo, p.account_id, p.amount_fen FROM entries e JOIN postings p USING (entry_id) ORDER BY e.entry_id, p.account_id',
      )
      .all() as Row[]
  ).map((r): JournalRow => ({
    entryId: Number(r['entry_id']),
    at: String(r['at']),
    kind: r['kind'] as JournalRow['kind'],
    reference: String(r['reference']),
    accountId: String(r['account_id']),
    amountFen: Number(r['amount_fen']),
    memo: String(r['memo']),
  }));
}

/** Each account's statement lines, without balances. */
function readStatements(db: Database.Database, accounts: readonly Row[]) {
  const statementLines = db.prepare(
    'SELECT e.entry_id, e.at, e.kind, e.reference, e.memo, p.amount_fen FROM postings p JOIN entries e USING (entry_id) WHERE p.account_id = ? ORDER BY e.at, e.entry_id',
  );
  return Object.fromEntries(
    accounts.map((a) => [
      String(a['account_id']),
      (statementLines.all(a['account_id']) as Row[]).map((r) => ({
        entryId: r['entry_id'],
        at: r['at'],
        kind: r['kind'],
        reference: r['reference'],
        amountFen: r['amount_fen'],
        memo: r['memo'],
      })),
    ]),
  );
}

/** The trades of each system and each application, newest first. */
function readPartiesTrades(db: Database.Database) {
  const tradesOf = (sql: string, party: string) =>
    (
      db
        .prepare(`SELECT trade_id FROM trades WHERE ${sql} ORDER BY entry_id DESC`)
        .all(party) as Row[]
    ).map((r) => r['trade_id']);
  const bySystem = Object.fromEntries(
    ['88.1001.1', '88.1001.2', '88.1001.3'].map((s) => [
      s,
      tradesOf('trade_id IN (SELECT trade_id FROM trade_payees WHERE system_code = ?)', s),
    ]),
  );
  const byApplication = Object.fromEntries(
    ['APP-0001', 'APP-0002'].map((a) => [a, tradesOf('application_id = ?', a)]),
  );
  return { bySystem, byApplication };
}
