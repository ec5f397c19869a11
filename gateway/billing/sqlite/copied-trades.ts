import type Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import type { Trade, TradeReceipt } from '../../../ledger-adapter/contract/records.js';
import { wholeBatch, type ReceiptBatches } from './receipt-batches.js';
import { rebuildTrade, sharedBody, type TradeBodies } from './trade-bodies.js';
import { TRADE_COLUMNS, TRADE_FROM, type TradeRow } from './trade-records.js';

/** Trades moved per transaction (a batch is never split, so a transaction may take a batch more). */
const CHUNK = 2_000;

type Queued = { readonly tx_id: string; readonly merkle_root: string; readonly entry_id: number };

/**
 * Moves the trades that migration 4 copied whole (`trades_to_compact`) into the shared forms, a
 * batch of the ledger at a time: a trade's body into `trade_bodies` when the trade rebuilt from
 * its parts equals it, a batch's receipts into `receipt_batches` when they are the whole batch and
 * each reads back exactly as kept. Anything else stays whole, as it was. Each chunk is one
 * transaction and leaves the queue with it, so a process stopped midway goes on at the next
 * open; the queue's table goes once it is empty. Returns how many trades were looked at.
 */
export function compactCopiedTrades(db: Database.Database, bodies: TradeBodies, batches: ReceiptBatches): number {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trades_to_compact'").get() === undefined) return 0;
  const next = db.prepare<[number], Queued>('SELECT tx_id, merkle_root, entry_id FROM trades_to_compact ORDER BY tx_id, merkle_root, entry_id LIMIT ?');
  const restOfBatch = db.prepare<[string, string, number], Queued>('SELECT tx_id, merkle_root, entry_id FROM trades_to_compact WHERE tx_id = ? AND merkle_root = ? AND entry_id > ? ORDER BY entry_id');
  const readRow = db.prepare<[number], TradeRow>(`SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM} WHERE t.entry_id = ?`);
  const setBody = db.prepare('UPDATE trades SET body_id = ?, body = NULL WHERE entry_id = ?');
  const setBatch = db.prepare('UPDATE trades SET batch_id = ?, leaf = ?, receipt = NULL WHERE entry_id = ?');
  const dequeue = db.prepare('DELETE FROM trades_to_compact WHERE tx_id = ? AND merkle_root = ? AND entry_id = ?');

  const compactBody = (row: TradeRow): void => {
    if (row.whole === null) return;
    const trade = parsed<Trade>(row.whole);
    if (typeof trade !== 'object' || trade === null || Array.isArray(trade)) return;
    const rebuilt = rebuildTrade({ tradeId: row.trade_id, resolutionId: row.resolution_id, at: row.at, body: sharedBody(trade) });
    if (isDeepStrictEqual(rebuilt, trade)) setBody.run(bodies.idOf(trade), row.entry_id);
  };
  const compactReceipts = (rows: readonly TradeRow[]): void => {
    const receipts = rows.map((row) => (row.receipt === null ? undefined : parsed<TradeReceipt>(row.receipt)));
    if (receipts.some((r, i) => typeof r !== 'object' || r === null || r.tradeId !== rows[i]?.trade_id)) return;
    const batch = wholeBatch(receipts as TradeReceipt[]);
    if (!batch) return;
    const batchId = batches.add(batch);
    for (const row of rows) setBatch.run(batchId, batch.places.get(row.trade_id), row.entry_id);
  };
  const chunk = db.transaction((): number => {
    const queued = next.all(CHUNK);
    const last = queued.at(-1);
    if (last && last.tx_id !== '') queued.push(...restOfBatch.all(last.tx_id, last.merkle_root, last.entry_id));
    for (const group of byBatch(queued)) {
      const rows = group.map((q) => readRow.get(q.entry_id)).filter((row): row is TradeRow => row !== undefined);
      for (const row of rows) compactBody(row);
      if ((group[0] as Queued).tx_id !== '') compactReceipts(rows);
      for (const q of group) dequeue.run(q.tx_id, q.merkle_root, q.entry_id);
    }
    return queued.length;
  });
  let looked = 0;
  for (let n = chunk(); n > 0; n = chunk()) looked += n;
  db.exec('DROP TABLE trades_to_compact');
  return looked;
}

/** Consecutive queued trades of the same batch together (the queue is read in batch order). */
function byBatch(queued: readonly Queued[]): Queued[][] {
  const groups: Queued[][] = [];
  for (const q of queued) {
    const group = groups.at(-1);
    const first = group?.[0];
    if (group && first && first.tx_id === q.tx_id && first.merkle_root === q.merkle_root && q.tx_id !== '') group.push(q);
    else groups.push([q]);
  }
  return groups;
}

function parsed<T>(json: string): T | undefined {
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}
