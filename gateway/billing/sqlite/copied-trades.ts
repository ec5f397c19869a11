import type Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import type { Trade, TradeReceipt } from '../../../ledger-adapter/index.js';
import { wholeBatch, type ReceiptBatch, type ReceiptBatches } from './receipt-batches.js';
import { rebuildTrade, sharedBody, type TradeBodies } from './trade-bodies.js';

/** Trades moved per transaction (a batch is never split, so a transaction may take a batch more). */
const CHUNK = 2_000;

type Queued = { readonly tx_id: string; readonly merkle_root: string; readonly entry_id: number };
/** A copied trade's row as stored, and its CHARGE entry's time. */
interface CopiedRow {
  readonly entry_id: number;
  readonly trade_key: unknown;
  readonly trade_id: string;
  readonly resolution_id: unknown;
  readonly body_id: number | null;
  readonly amount_fen: number;
  readonly status: string;
  readonly batch_id: number | null;
  readonly leaf: number | null;
  readonly receipt: string | null;
  readonly refusal: string | null;
  readonly body: string | null;
  readonly at: string;
}

/** The queue's and the trades' statements that a compaction runs. */
interface CompactionStatements {
  readonly next: Database.Statement<[number], Queued>;
  readonly restOfBatch: Database.Statement<[string, string, number], Queued>;
  readonly readRow: Database.Statement<[number], CopiedRow>;
  readonly remove: Database.Statement;
  readonly insert: Database.Statement;
  readonly dequeue: Database.Statement;
}

/** What a compaction moves trades into. */
interface SharedForms {
  readonly bodies: TradeBodies;
  readonly batches: ReceiptBatches;
}

/**
 * Moves the trades that migration 4 copied whole (`trades_to_compact`) into the shared forms, a
 * batch of the ledger at a time: a trade's body into `trade_bodies` when the trade rebuilt from
 * its parts equals it, a batch's receipts into `receipt_batches` when they are the whole batch and
 * each reads back exactly as kept. Anything else stays whole, as it was. Each chunk is one
 * transaction and leaves the queue with it, so a process stopped midway goes on at the next
 * open; the queue's table goes once it is empty. A trade's row is written anew rather than
 * updated, so that the pages its whole copy filled are given back. Returns how many trades were
 * looked at.
 */
export function compactCopiedTrades(
  db: Database.Database,
  bodies: TradeBodies,
  batches: ReceiptBatches,
): number {
  if (
    db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trades_to_compact'")
      .get() === undefined
  )
    return 0;
  const statements = compactionStatements(db);
  const chunk = db.transaction((): number => compactChunk(statements, { bodies, batches }));
  let looked = 0;
  for (let n = chunk(); n > 0; n = chunk()) looked += n;
  db.exec('DROP TABLE trades_to_compact');
  return looked;
}

function compactionStatements(db: Database.Database): CompactionStatements {
  return {
    next: db.prepare<[number], Queued>(
      'SELECT tx_id, merkle_root, entry_id FROM trades_to_compact ORDER BY tx_id, merkle_root, entry_id LIMIT ?',
    ),
    restOfBatch: db.prepare<[string, string, number], Queued>(
      'SELECT tx_id, merkle_root, entry_id FROM trades_to_compact WHERE tx_id = ? AND merkle_root = ? AND entry_id > ? ORDER BY entry_id',
    ),
    readRow: db.prepare<[number], CopiedRow>(
      'SELECT t.entry_id, t.trade_key, t.trade_id, t.resolution_id, t.body_id, t.amount_fen, t.status, t.batch_id, t.leaf, t.receipt, t.refusal, t.body, e.at FROM trades t JOIN entries e USING (entry_id) WHERE t.entry_id = ?',
    ),
    remove: db.prepare('DELETE FROM trades WHERE entry_id = ?'),
    insert: db.prepare(
      'INSERT INTO trades (entry_id, trade_key, resolution_id, body_id, amount_fen, status, batch_id, leaf, receipt, refusal, body) VALUES (@entry_id, @trade_key, @resolution_id, @body_id, @amount_fen, @status, @batch_id, @leaf, @receipt, @refusal, @body)',
    ),
    dequeue: db.prepare(
      'DELETE FROM trades_to_compact WHERE tx_id = ? AND merkle_root = ? AND entry_id = ?',
    ),
  };
}

/** Compacts the next chunk of the queue (a batch is never split); returns how many trades it looked at. */
function compactChunk(statements: CompactionStatements, forms: SharedForms): number {
  const { next, restOfBatch, readRow, dequeue } = statements;
  const queued = next.all(CHUNK);
  const last = queued.at(-1);
  if (last && last.tx_id !== '')
    queued.push(...restOfBatch.all(last.tx_id, last.merkle_root, last.entry_id));
  for (const group of byBatch(queued)) {
    const rows = group
      .map((q) => readRow.get(q.entry_id))
      .filter((row): row is CopiedRow => row !== undefined);
    const stored = (group[0] as Queued).tx_id === '' ? undefined : storedBatch(rows, forms.batches);
    for (const row of rows) rewriteRow(statements, row, sharedBodyId(row, forms.bodies), stored);
    for (const q of group) dequeue.run(q.tx_id, q.merkle_root, q.entry_id);
  }
  return queued.length;
}

/** Writes a trade's row anew, with its body shared when `bodyId` is set and its receipt in `stored` when that is its batch. */
function rewriteRow(
  { remove, insert }: CompactionStatements,
  row: CopiedRow,
  bodyId: number | undefined,
  stored: { batchId: number; batch: ReceiptBatch } | undefined,
): void {
  const place = stored?.batch.places.get(row.trade_id);
  remove.run(row.entry_id);
  insert.run({
    entry_id: row.entry_id,
    trade_key: row.trade_key,
    resolution_id: row.resolution_id,
    body_id: bodyId ?? row.body_id,
    amount_fen: row.amount_fen,
    status: row.status,
    batch_id: stored ? stored.batchId : row.batch_id,
    leaf: place ?? row.leaf,
    receipt: stored ? null : row.receipt,
    refusal: row.refusal,
    body: bodyId === undefined ? row.body : null,
  });
}

/** The shared body's id when the trade rebuilt from its parts is the one kept whole. */
function sharedBodyId(row: CopiedRow, bodies: TradeBodies): number | undefined {
  const trade = row.body === null ? undefined : parsed<Trade>(row.body);
  if (typeof trade !== 'object' || trade === null || Array.isArray(trade)) return undefined;
  const rebuilt = rebuildTrade({
    tradeId: row.trade_id,
    resolutionId: row.resolution_id,
    at: row.at,
    body: sharedBody(trade),
  });
  return isDeepStrictEqual(rebuilt, trade) ? bodies.idOf(trade) : undefined;
}

/** The batch the rows' receipts are the whole of, stored, or undefined. */
function storedBatch(
  rows: readonly CopiedRow[],
  batches: ReceiptBatches,
): { batchId: number; batch: ReceiptBatch } | undefined {
  const receipts = rows.map((row) =>
    row.receipt === null ? undefined : parsed<TradeReceipt>(row.receipt),
  );
  if (
    receipts.some((r, i) => typeof r !== 'object' || r === null || r.tradeId !== rows[i]?.trade_id)
  )
    return undefined;
  const batch = wholeBatch(receipts as TradeReceipt[]);
  return batch && { batchId: batches.add(batch), batch };
}

/** Consecutive queued trades of the same batch together (the queue is read in batch order). */
function byBatch(queued: readonly Queued[]): Queued[][] {
  const groups: Queued[][] = [];
  for (const q of queued) {
    const group = groups.at(-1);
    const first = group?.[0];
    if (
      group &&
      first &&
      first.tx_id === q.tx_id &&
      first.merkle_root === q.merkle_root &&
      q.tx_id !== ''
    )
      group.push(q);
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
