import type Database from 'better-sqlite3';
import type { TradeReceipt } from '../../../ledger-adapter/index.js';
import { packId } from './book-ids.js';
import type { BookJournal } from './book-journal.js';
import { receiptsByBatch, wholeBatch, type ReceiptBatches } from './receipt-batches.js';

type Row = Record<string, unknown>;

/**
 * What the ledger made of the book's pending trades: RECORDED with their receipts, or REFUSED
 * and paid back by a REFUND entry. Each call is one transaction.
 */
export class TradeOutcomes {
  readonly #journal: BookJournal;
  readonly #batches: ReceiptBatches;
  readonly #openPeriodNow: () => string;
  readonly #tradeState: Database.Statement<[Buffer | string], { entry_id: number; status: string }>;
  readonly #markInBatch: Database.Statement;
  readonly #markRecorded: Database.Statement;
  readonly #markRefused: Database.Statement;
  readonly #chargePostings: Database.Statement;
  readonly #recorded: (receipts: readonly TradeReceipt[]) => void;
  readonly #refund: (tradeId: string, code: string, message: string) => boolean;

  /** `openPeriodNow` dates a refund, never inside a settled period. */
  constructor(
    db: Database.Database,
    parts: {
      readonly journal: BookJournal;
      readonly batches: ReceiptBatches;
      readonly openPeriodNow: () => string;
    },
  ) {
    this.#journal = parts.journal;
    this.#batches = parts.batches;
    this.#openPeriodNow = parts.openPeriodNow;
    // Trades are found by their key (the id's bytes, see packId); trade_id is computed from it.
    this.#tradeState = db.prepare<[Buffer | string], { entry_id: number; status: string }>(
      'SELECT entry_id, status FROM trades WHERE trade_key = ?',
    );
    this.#markInBatch = db.prepare(
      "UPDATE trades SET status = 'RECORDED', batch_id = ?, leaf = ? WHERE trade_key = ? AND status = 'PENDING'",
    );
    this.#markRecorded = db.prepare(
      "UPDATE trades SET status = 'RECORDED', receipt = ? WHERE trade_key = ? AND status = 'PENDING'",
    );
    this.#markRefused = db.prepare(
      "UPDATE trades SET status = 'REFUSED', refusal = ? WHERE trade_key = ? AND status = 'PENDING'",
    );
    this.#chargePostings = db.prepare(
      'SELECT a.account_id, p.amount_fen FROM postings p JOIN accounts a USING (account_no) WHERE p.entry_id = ?',
    );
    this.#recorded = db.transaction((receipts: readonly TradeReceipt[]) =>
      this.#keepReceipts(receipts),
    );
    this.#refund = db.transaction((tradeId: string, code: string, message: string) =>
      this.#payBack(tradeId, code, message),
    );
  }

  /** Stores the receipts of recorded trades; they stop being pending. */
  recorded(receipts: readonly TradeReceipt[]): void {
    this.#recorded(receipts);
  }

  /** Marks a pending trade refused and reverses its charge; false when it was not pending. */
  refund(tradeId: string, code: string, message: string): boolean {
    return this.#refund(tradeId, code, message);
  }

  /**
   * A ledger transaction's receipts are kept as its batch's leaves when they are all of it (as the
   * outbox delivers them); a receipt of a batch the book does not hold whole is kept whole.
   */
  #keepReceipts(receipts: readonly TradeReceipt[]): void {
    for (const group of receiptsByBatch(receipts)) {
      const waiting = group.filter(
        (r) => this.#tradeState.get(packId(r.tradeId))?.status === 'PENDING',
      );
      if (waiting.length === 0) continue;
      const batch = wholeBatch(group);
      const batchId = batch ? this.#batches.add(batch) : undefined;
      for (const r of waiting) {
        if (batch && batchId !== undefined)
          this.#markInBatch.run(batchId, batch.places.get(r.tradeId), packId(r.tradeId));
        else this.#markRecorded.run(JSON.stringify(r), packId(r.tradeId));
      }
    }
  }

  #payBack(tradeId: string, code: string, message: string): boolean {
    const row = this.#tradeState.get(packId(tradeId));
    if (!row || row.status !== 'PENDING') return false;
    this.#markRefused.run(`${code}: ${message}`, packId(tradeId));
    const reversed = (this.#chargePostings.all(row.entry_id) as Row[]).map(
      (p): [string, number] => [String(p['account_id']), -Number(p['amount_fen'])],
    );
    this.#journal.post(
      'REFUND',
      tradeId,
      `trade ${tradeId} refused by the ledger [${code}]: its charge is paid back`,
      reversed,
      this.#openPeriodNow(),
    );
    return true;
  }
}
