import type {
  BatchedResolveInput,
  PutCatalogEntriesInput,
  RegisterFieldsInput,
  ReportTamperInput,
  Trade,
  TradeReceipt,
} from '../contract/index.js';

/**
 * One write waiting for the ledger. Each kind is one ledger transaction type; the outbox sends
 * a round's records stage by stage, as {@link DELIVERY_STAGES} says.
 */
export type OutboxRecord =
  | { readonly kind: 'fields'; readonly body: RegisterFieldsInput }
  | { readonly kind: 'catalog'; readonly body: PutCatalogEntriesInput }
  | { readonly kind: 'resolution'; readonly body: BatchedResolveInput }
  | { readonly kind: 'trade'; readonly body: Trade }
  | { readonly kind: 'tamper'; readonly body: ReportTamperInput };

/** The kinds of {@link OutboxRecord}. */
export type OutboxKind = OutboxRecord['kind'];

/**
 * How one round sends its records: stage after stage, the kinds of a stage at once. What a record
 * depends on goes in an earlier stage: a catalog entry names registered fields, a tamper report
 * names a recorded resolution. A trade is charged only after its resolution is on the ledger (the
 * query waits for it before anything is released), so resolutions and trades never depend on one
 * another within a round, and go together: on the embedded ledger they share a block. Within a
 * kind, records keep the order they were appended in.
 */
export const DELIVERY_STAGES: readonly (readonly OutboxKind[])[] = [
  ['fields'],
  ['catalog'],
  ['resolution', 'trade'],
  ['tamper'],
];

/** What the ledger did with a record. */
export type OutboxOutcome =
  | { readonly status: 'recorded'; readonly receipt?: TradeReceipt }
  | { readonly status: 'refused'; readonly code: string; readonly reason: string };

/** A record as the outbox keeps it: its place in the order and its key. */
export interface StoredRecord {
  readonly seq: number;
  /** Unique among the records waiting: appending a key again is a no-op. */
  readonly key: string;
  readonly record: OutboxRecord;
}

/** The records someone waits for: a query for its resolution and trade, the guard for a tamper report. */
export type KeyedRecord = Extract<
  OutboxRecord,
  { readonly kind: 'resolution' | 'trade' | 'tamper' }
>;

/**
 * The key of a record someone waits for. Resolutions, trades and tamper reports are named by their
 * own ids, so that a record appended twice (after a crash, by whoever offers it again) waits once.
 */
export function recordKey(record: KeyedRecord): string {
  switch (record.kind) {
    case 'resolution':
      return `resolution:${record.body.resolutionId}`;
    case 'trade':
      return `trade:${record.body.tradeId}`;
    case 'tamper':
      return `tamper:${record.body.resolutionId}:${record.body.deviceId}:${record.body.fieldCode}`;
  }
}

/** Whether `record` is one someone waits for; the registry's evidence is not (it always carries the current state). */
export function isKeyed(record: OutboxRecord): record is KeyedRecord {
  return record.kind === 'resolution' || record.kind === 'trade' || record.kind === 'tamper';
}
