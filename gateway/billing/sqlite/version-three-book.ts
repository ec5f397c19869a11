import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';
import type { Trade, TradeReceipt } from '../../../ledger-adapter/index.js';
import { applySqliteMigrations } from '../../storage/index.js';
import { BILLING_MIGRATIONS } from './billing-migrations.js';

type Row = Record<string, unknown>;
/** The epoch from which the first settlement period runs. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/**
 * Writes a billing book as the store of schema version 3 did: the form every book had before
 * compact records (migration 4). For the tests of that migration: a book of version 3 is written
 * with version 3's own statements, then opened by today's store.
 */
export class VersionThreeBook {
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
