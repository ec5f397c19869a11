import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildReceipts,
  verifyTradeReceipt,
  type Trade,
  type TradeReceipt,
} from '../../../ledger-adapter/index.js';
import { tempDir } from '../../../ledger-adapter/testing/index.js';
import { applySqliteMigrations } from '../../storage/index.js';
import type { JournalRow } from '../billing-types.js';
import { BILLING_MIGRATIONS } from './billing-migrations.js';
import { openSqliteBillingStore } from './sqlite-billing-store.js';

type Row = Record<string, unknown>;
const BEGINNING = '1970-01-01T00:00:00.000Z';
const END = '2100-01-01T00:00:00.000Z';
const id = (n: number): string => n.toString(16).padStart(64, '0');

/** Writes a billing book as the store of schema version 3 did: the form every book had before compact records. */
class VersionThreeBook {
  readonly db: Database.Database;
  #clock = Date.parse('2026-11-01T00:00:00.000Z');

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('foreign_keys = ON');
    applySqliteMigrations(this.db, BILLING_MIGRATIONS.slice(0, 3));
  }

  at(): string {
    return new Date((this.#clock += 1_000)).toISOString();
  }

  open(accountId: string, kind: string): void {
    this.db
      .prepare('INSERT INTO accounts (account_id, kind, created_at) VALUES (?, ?, ?)')
      .run(accountId, kind, this.at());
  }

  post(
    kind: string,
    reference: string,
    memo: string,
    postings: readonly [string, number][],
    at = this.at(),
  ): number {
    const entryId = Number(
      this.db
        .prepare('INSERT INTO entries (at, kind, reference, memo) VALUES (?, ?, ?, ?)')
        .run(at, kind, reference, memo).lastInsertRowid,
    );
    const net = new Map<string, number>();
    for (const [account, amount] of postings) net.set(account, (net.get(account) ?? 0) + amount);
    for (const [account, amount] of net) {
      if (amount === 0) continue;
      this.db
        .prepare('INSERT INTO postings (entry_id, account_id, amount_fen) VALUES (?, ?, ?)')
        .run(entryId, account, amount);
      this.db
        .prepare('UPDATE accounts SET balance_fen = balance_fen + ? WHERE account_id = ?')
        .run(amount, account);
    }
    return entryId;
  }

  /** A charge as version 3 wrote it; `body` is the trade's JSON as stored (normally JSON.stringify of the trade). */
  charge(trade: Trade, memo: string, options: { entryAt?: string; body?: string } = {}): void {
    const postings: [string, number][] = [
      [trade.applicationId, -trade.amountFen],
      ...trade.payees.map((p): [string, number] => [p.systemCode, p.amountFen]),
      ['PLATFORM', trade.platformFeeFen],
    ];
    const entryId = this.post('CHARGE', trade.tradeId, memo, postings, options.entryAt ?? trade.at);
    this.db
      .prepare(
        "INSERT INTO trades (trade_id, entry_id, application_id, at, amount_fen, body, status) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')",
      )
      .run(
        trade.tradeId,
        entryId,
        trade.applicationId,
        trade.at,
        trade.amountFen,
        options.body ?? JSON.stringify(trade),
      );
    for (const p of trade.payees)
      this.db
        .prepare(
          'INSERT INTO trade_payees (trade_id, system_code, application_id, amount_fen) VALUES (?, ?, ?, ?)',
        )
        .run(trade.tradeId, p.systemCode, trade.applicationId, p.amountFen);
  }

  record(receipts: readonly TradeReceipt[]): void {
    for (const r of receipts)
      this.db
        .prepare(
          "UPDATE trades SET status = 'RECORDED', receipt = ? WHERE trade_id = ? AND status = 'PENDING'",
        )
        .run(JSON.stringify(r), r.tradeId);
  }

  refund(tradeId: string): void {
    this.db
      .prepare(
        "UPDATE trades SET status = 'REFUSED', refusal = 'INVALID_ARGUMENT: bad' WHERE trade_id = ?",
      )
      .run(tradeId);
    const entryId = (
      this.db.prepare('SELECT entry_id FROM trades WHERE trade_id = ?').get(tradeId) as Row
    )['entry_id'];
    const reversed = (
      this.db
        .prepare('SELECT account_id, amount_fen FROM postings WHERE entry_id = ?')
        .all(entryId) as Row[]
    ).map((p): [string, number] => [String(p['account_id']), -Number(p['amount_fen'])]);
    this.post(
      'REFUND',
      tradeId,
      `trade ${tradeId} refused by the ledger [INVALID_ARGUMENT]: its charge is paid back`,
      reversed,
    );
  }

  settle(): void {
    const to = this.at();
    const payable = this.db
      .prepare(
        "SELECT account_id, balance_fen FROM accounts WHERE kind = 'SYSTEM' AND balance_fen > 0 ORDER BY account_id",
      )
      .all() as Row[];
    const payouts = payable.map((r) => ({
      systemCode: String(r['account_id']),
      amountFen: Number(r['balance_fen']),
    }));
    const settlementId = Number(
      this.db
        .prepare(
          "INSERT INTO settlements (period_from, period_to, run_by, trades, traded_fen, payouts, digest) VALUES (?, ?, 'admin', 0, 0, ?, 'digest')",
        )
        .run(BEGINNING, to, JSON.stringify(payouts)).lastInsertRowid,
    );
    for (const p of payouts)
      this.post(
        'PAYOUT',
        `settlement-${settlementId}:${p.systemCode}`,
        `settlement ${settlementId}: payout`,
        [
          [p.systemCode, -p.amountFen],
          ['EXTERNAL', p.amountFen],
        ],
        to,
      );
  }

  close(): void {
    this.db.close();
    chmodSync(this.path, 0o600);
  }
}

/** A single-device trade paying 88.1001.1 and 88.1001.2 (and 88.1001.3 when `c` is given). */
function tradeOf(
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
function writeVersionThreeBook(path: string): {
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
function readVersionThree(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const trades = (
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
    const journal = (
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
    const accounts = db
      .prepare(
        'SELECT account_id, kind, balance_fen, credit_limit_fen, created_at FROM accounts ORDER BY account_id',
      )
      .all() as Row[];
    const statementLines = db.prepare(
      'SELECT e.entry_id, e.at, e.kind, e.reference, e.memo, p.amount_fen FROM postings p JOIN entries e USING (entry_id) WHERE p.account_id = ? ORDER BY e.at, e.entry_id',
    );
    const statements = Object.fromEntries(
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
    const payees = db
      .prepare('SELECT DISTINCT application_id, system_code FROM trade_payees ORDER BY 1, 2')
      .all() as Row[];
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
    const settlements = db.prepare('SELECT * FROM settlements').all() as Row[];
    return { trades, journal, accounts, statements, payees, bySystem, byApplication, settlements };
  } finally {
    db.close();
  }
}

let dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const dir of dirs) dir.remove();
  dirs = [];
});
function bookPath(): string {
  const tmp = tempDir('gridmark-book-v4-');
  dirs.push(tmp);
  return join(tmp.dir, 'billing.db');
}

describe('compact records (billing book version 4)', () => {
  it('migrates a version 3 book with every trade, entry, posting, balance and settlement intact', async () => {
    const path = bookPath();
    const written = writeVersionThreeBook(path);
    const before = readVersionThree(path);
    const store = openSqliteBillingStore({ path });
    try {
      for (const old of before.trades) {
        expect(await store.getTrade(old.trade.tradeId)).toEqual({
          trade: old.trade,
          status: old.status,
          receipt: old.receipt,
          refusal: old.refusal,
        });
      }
      const page = await store.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 });
      expect(page).toEqual(before.trades);
      expect(
        page
          .filter((t) => t.receipt && /^[0-9a-f]{64}$/.test(t.receipt.txId))
          .every((t) => t.receipt && verifyTradeReceipt(t.trade, t.receipt)),
      ).toBe(true);
      expect(await store.pendingTrades(100)).toEqual(
        before.trades.filter((t) => t.status === 'PENDING').map((t) => t.trade),
      );
      expect(await store.journal(BEGINNING, END)).toEqual(before.journal);
      for (const a of before.accounts) {
        const accountId = String(a['account_id']);
        expect(await store.getAccount(accountId)).toMatchObject({
          kind: a['kind'],
          balanceFen: a['balance_fen'],
          creditLimitFen: a['credit_limit_fen'],
          createdAt: a['created_at'],
        });
        const statement = await store.statement(accountId, BEGINNING, END);
        expect(
          statement.lines.map((l) => ({
            entryId: l.entryId,
            at: l.at,
            kind: l.kind,
            reference: l.reference,
            amountFen: l.amountFen,
            memo: l.memo,
          })),
        ).toEqual(before.statements[accountId]);
        expect(statement.closingFen).toBe(a['balance_fen']);
      }
      for (const [systemCode, tradeIds] of Object.entries(before.bySystem))
        expect(
          (await store.listTrades({ systemCode, limit: 100 })).map((t) => t.trade.tradeId),
        ).toEqual(tradeIds);
      for (const [applicationId, tradeIds] of Object.entries(before.byApplication))
        expect(
          (await store.listTrades({ applicationId, limit: 100 })).map((t) => t.trade.tradeId),
        ).toEqual(tradeIds);
      for (const p of before.payees)
        expect(await store.tradedWith(String(p['application_id']), String(p['system_code']))).toBe(
          true,
        );
      expect(await store.tradedWith('APP-0002', '88.1001.9')).toBe(false);
      expect((await store.settlements()).map((s) => s.payouts)).toEqual(
        before.settlements.map((s) => JSON.parse(String(s['payouts'])) as unknown),
      );
      expect(await store.check()).toEqual({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
        driftedAccounts: [],
        heldMismatches: [],
      });
      expect(before.trades).toHaveLength(written.trades.length);
    } finally {
      await store.close();
    }
    // The trades moved into the shared forms, except those that would not read back as they were.
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 });
      expect(
        db
          .prepare(
            "SELECT name FROM sqlite_master WHERE name IN ('trade_payees', 'trades_to_compact')",
          )
          .all(),
      ).toEqual([]);
      expect(db.prepare('SELECT trade_id FROM trades WHERE body IS NOT NULL').all()).toEqual(
        written.whole.map((trade_id) => ({ trade_id })),
      );
      expect(
        db.prepare('SELECT trade_id FROM trades WHERE receipt IS NOT NULL ORDER BY entry_id').all(),
      ).toEqual(written.receiptsWhole.map((trade_id) => ({ trade_id })));
      expect(db.prepare('SELECT COUNT(*) AS n FROM receipt_batches').get()).toEqual({ n: 3 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM trade_bodies').get()).toEqual({
        n: written.trades.length - written.whole.length,
      });
    } finally {
      db.close();
    }
  });

  it('goes on charging, recording and refunding after the migration, and opens again unchanged', async () => {
    const path = bookPath();
    writeVersionThreeBook(path);
    const store = openSqliteBillingStore({ path });
    await store.hold({ holdId: id(100), accountId: 'APP-0001', amountFen: 20 });
    const { trade } = await store.charge(
      id(100),
      tradeOf(new Date().toISOString(), id(100), 'APP-0001', { a: 5, b: 5, platform: 2 }),
      'after',
    );
    await store.hold({ holdId: id(101), accountId: 'APP-0001', amountFen: 20 });
    const { trade: refused } = await store.charge(
      id(101),
      tradeOf(new Date().toISOString(), id(101), 'APP-0001', { a: 1, b: 1, platform: 1 }),
      'after',
    );
    const [receipt] = buildReceipts([trade], 'c9'.repeat(32)).receipts;
    await store.recorded([receipt as TradeReceipt]);
    expect(await store.refund(id(101), 'NOT_FOUND', 'test')).toBe(true);
    const journal = await store.journal(BEGINNING, END);
    const trades = await store.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 });
    await store.close();
    const again = openSqliteBillingStore({ path });
    try {
      expect(await again.getTrade(id(100))).toEqual({
        trade,
        status: 'RECORDED',
        receipt,
        refusal: null,
      });
      expect(await again.getTrade(id(101))).toMatchObject({ trade: refused, status: 'REFUSED' });
      expect(await again.journal(BEGINNING, END)).toEqual(journal);
      expect(
        await again.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 }),
      ).toEqual(trades);
      expect(await again.check()).toEqual({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
        driftedAccounts: [],
        heldMismatches: [],
      });
    } finally {
      await again.close();
    }
  });

  it('moves trades into the shared forms at the next open when the migration ran without the store', async () => {
    const path = bookPath();
    const written = writeVersionThreeBook(path);
    const before = readVersionThree(path);
    const db = new Database(path);
    db.pragma('foreign_keys = ON');
    applySqliteMigrations(db, BILLING_MIGRATIONS);
    // Copied whole, and queued.
    expect(db.prepare('SELECT COUNT(*) AS n FROM trades WHERE body IS NOT NULL').get()).toEqual({
      n: written.trades.length,
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM trades_to_compact').get()).toEqual({
      n: written.trades.length,
    });
    db.close();
    const store = openSqliteBillingStore({ path });
    try {
      expect(
        await store.tradePage({ from: BEGINNING, to: END, afterEntryId: 0, limit: 100 }),
      ).toEqual(before.trades);
    } finally {
      await store.close();
    }
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT COUNT(*) AS n FROM trades WHERE body IS NOT NULL').get()).toEqual({
      n: written.whole.length,
    });
    after.close();
  });

  it('gives back the pages that the copied trades filled', async () => {
    const path = bookPath();
    const book = new VersionThreeBook(path);
    for (const [account, kind] of [
      ['APP-0001', 'APPLICATION'],
      ['88.1001.1', 'SYSTEM'],
      ['88.1001.2', 'SYSTEM'],
      ['PLATFORM', 'PLATFORM'],
      ['EXTERNAL', 'EXTERNAL'],
    ])
      book.open(account as string, kind as string);
    book.post('TOP_UP', 'BANK-1', 'payment', [
      ['EXTERNAL', -1_000_000],
      ['APP-0001', 1_000_000],
    ]);
    const trades = Array.from({ length: 400 }, (_, i) =>
      tradeOf(book.at(), id(i + 1), 'APP-0001', { a: 3, b: 2 + (i % 7), platform: 1 }),
    );
    book.db.transaction(() => {
      for (const t of trades) book.charge(t, 'memo');
      for (let i = 0; i < trades.length; i += 50)
        book.record(buildReceipts(trades.slice(i, i + 50), id(10_000 + i)).receipts);
    })();
    book.close();
    const bytesOfTrades = (): number => {
      const db = new Database(path, { readonly: true });
      try {
        return (
          db.prepare("SELECT SUM(pgsize) AS b FROM dbstat WHERE name = 'trades'").get() as {
            b: number;
          }
        ).b;
      } finally {
        db.close();
      }
    };
    const before = bytesOfTrades();
    await openSqliteBillingStore({ path }).close();
    // Each trade's row is about 100 bytes once its body and receipt are shared (over 1 KB before).
    expect(before / trades.length).toBeGreaterThan(1_000);
    expect(bytesOfTrades() / trades.length).toBeLessThan(200);
  });

  it('refuses to migrate a book whose copy would differ, and leaves it as it was', () => {
    const path = bookPath();
    writeVersionThreeBook(path);
    const db = new Database(path);
    // A payee row that its trade's body does not name.
    db.prepare(
      "UPDATE trade_payees SET amount_fen = amount_fen + 1 WHERE trade_id = ? AND system_code = '88.1001.1'",
    ).run(id(3));
    db.close();
    expect(() => openSqliteBillingStore({ path })).toThrow(/each trade's payees are its body's/);
    const kept = new Database(path, { readonly: true });
    try {
      expect(kept.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
        v: 3,
      });
      expect(kept.prepare('SELECT COUNT(*) AS n FROM trade_payees').get()).toEqual({ n: 31 });
    } finally {
      kept.close();
    }
  });
});
