import type { Trade, TradeReceipt } from '../../../ledger-adapter/index.js';
import type { TradeRecord } from '../billing-types.js';
import type { ReceiptBatches } from './receipt-batches.js';
import { rebuildTrade } from './trade-bodies.js';

/** What a trade's record is read from (`SELECT ${TRADE_COLUMNS} FROM ${TRADE_FROM}`): its row, its CHARGE entry's time, its shared body. */
export const TRADE_COLUMNS =
  't.entry_id, t.trade_id, t.resolution_id, t.status, t.batch_id, t.leaf, t.receipt, t.refusal, t.body AS whole, b.body AS shared, e.at';
/** The tables {@link TRADE_COLUMNS} come from, `t` the trade. */
export const TRADE_FROM =
  'trades t JOIN entries e ON e.entry_id = t.entry_id LEFT JOIN trade_bodies b ON b.body_id = t.body_id';

/** A row of {@link TRADE_COLUMNS}. */
export interface TradeRow {
  readonly entry_id: number;
  readonly trade_id: string;
  readonly resolution_id: unknown;
  readonly status: TradeRecord['status'];
  readonly batch_id: number | null;
  readonly leaf: number | null;
  readonly receipt: string | null;
  readonly refusal: string | null;
  /** The whole trade's JSON, when it is not kept in the shared form. */
  readonly whole: string | null;
  readonly shared: string | null;
  readonly at: string;
}

/** The trade a row holds: its whole JSON, or rebuilt from its parts. */
export function tradeOf(row: TradeRow): Trade {
  if (row.whole !== null) return JSON.parse(row.whole) as Trade;
  if (row.shared === null)
    throw new Error(
      `trade ${row.trade_id} has neither a body nor a shared body in the billing book`,
    );
  return rebuildTrade({
    tradeId: row.trade_id,
    resolutionId: row.resolution_id,
    at: row.at,
    body: row.shared,
  });
}

/** The receipt a row holds: from its batch, or kept whole, or none yet. */
export function receiptOf(row: TradeRow, batches: ReceiptBatches): TradeReceipt | null {
  if (row.batch_id !== null && row.leaf !== null)
    return batches.receipt(row.batch_id, row.leaf, row.trade_id);
  return row.receipt === null ? null : (JSON.parse(row.receipt) as TradeReceipt);
}

/** The record a row holds. */
export function recordOf(row: TradeRow, batches: ReceiptBatches): TradeRecord {
  return {
    trade: tradeOf(row),
    status: row.status,
    receipt: receiptOf(row, batches),
    refusal: row.refusal,
  };
}
