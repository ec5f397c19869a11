import { translateLedgerError, type LedgerAdapter } from '../adapter/index.js';
import {
  MAX_CATALOG_ENTRIES_PER_CALL,
  MAX_TRADES_PER_CALL,
  type BatchedResolveInput,
  type PutCatalogEntriesInput,
  type ReportTamperInput,
  type Trade,
} from '../contract/index.js';
import type { OutboxKind, OutboxOutcome, StoredRecord } from './outbox-records.js';

/** The ledger calls the outbox makes. */
export type OutboxLedger = Pick<
  LedgerAdapter,
  | 'registerFields'
  | 'putCatalogEntries'
  | 'resolveBatch'
  | 'recordTrades'
  | 'reportTamper'
  | 'getResolution'
>;

/** Outcomes of one kind's records, by `seq`. Throws when the ledger could not be reached: the rest wait. */
export type KindDelivery = (
  ledger: OutboxLedger,
  records: readonly StoredRecord[],
) => Promise<Map<number, OutboxOutcome>>;

const RESOLUTIONS_PER_CALL = 200;
const CATALOG_ENTRIES_PER_CALL = MAX_CATALOG_ENTRIES_PER_CALL;
const RECORDED: OutboxOutcome = { status: 'recorded' };

/** The contract's code and reason of a refusal. */
function refusalOf(error: {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}): OutboxOutcome {
  const code =
    typeof error.details['contractCode'] === 'string' ? error.details['contractCode'] : error.code;
  const reason =
    typeof error.details['reason'] === 'string' ? error.details['reason'] : error.message;
  return { status: 'refused', code, reason };
}

/**
 * Sends `records` in calls of at most `perCall`; a call the contract refuses as a whole is sent
 * again in halves, down to the single records it refuses (one bad record of 500 costs about 18
 * calls, not 500), so that only they are refused.
 */
async function inHalves(
  records: readonly StoredRecord[],
  perCall: number,
  transaction: string,
  call: (records: readonly StoredRecord[]) => Promise<Map<number, OutboxOutcome>>,
): Promise<Map<number, OutboxOutcome>> {
  const outcomes = new Map<number, OutboxOutcome>();
  const send = async (part: readonly StoredRecord[]): Promise<void> => {
    try {
      for (const [seq, outcome] of await call(part)) outcomes.set(seq, outcome);
    } catch (raw) {
      const error = translateLedgerError(raw, transaction);
      if (error.code !== 'LEDGER_REJECTED') throw error;
      if (part.length === 1) {
        outcomes.set((part[0] as StoredRecord).seq, refusalOf(error));
        return;
      }
      const half = Math.ceil(part.length / 2);
      await send(part.slice(0, half));
      await send(part.slice(half));
    }
  };
  for (let i = 0; i < records.length; i += perCall) await send(records.slice(i, i + perCall));
  return outcomes;
}

/** A system's fields: the latest record of each system carries its current fields; sending it settles the older ones. */
const deliverFields: KindDelivery = async (ledger, records) => {
  const latest = new Map<string, StoredRecord>();
  for (const r of records) if (r.record.kind === 'fields') latest.set(r.record.body.systemCode, r);
  const outcomes = new Map<number, OutboxOutcome>();
  for (const [systemCode, newest] of latest) {
    const sent = await inHalves([newest], 1, 'RegisterFields', async ([r]) => {
      if (r?.record.kind === 'fields') await ledger.registerFields(r.record.body);
      return new Map([[newest.seq, RECORDED]]);
    });
    const outcome = sent.get(newest.seq) ?? RECORDED;
    for (const r of records)
      if (r.record.kind === 'fields' && r.record.body.systemCode === systemCode)
        outcomes.set(r.seq, outcome);
  }
  return outcomes;
};

/** Catalog entries, later records first (they carry the newer state of a device), in chunks the contract takes. */
const deliverCatalog: KindDelivery = async (ledger, records) => {
  const byDevice = new Map<string, { entry: PutEntry; seqs: number[] }>();
  for (const r of records) {
    if (r.record.kind !== 'catalog') continue;
    for (const entry of r.record.body.entries) {
      const known = byDevice.get(entry.deviceId);
      byDevice.set(entry.deviceId, { entry, seqs: [...(known?.seqs ?? []), r.seq] });
    }
  }
  const refusedSeqs = new Map<number, OutboxOutcome>();
  const devices = [...byDevice.values()];
  for (let i = 0; i < devices.length; i += CATALOG_ENTRIES_PER_CALL) {
    const chunk = devices.slice(i, i + CATALOG_ENTRIES_PER_CALL);
    try {
      await ledger.putCatalogEntries({ entries: chunk.map((d) => d.entry) });
    } catch (raw) {
      const error = translateLedgerError(raw, 'PutCatalogEntries');
      if (error.code !== 'LEDGER_REJECTED') throw error;
      // The registry checks its entries before they are appended; a refusal here is kept for the operator.
      for (const d of chunk) for (const seq of d.seqs) refusedSeqs.set(seq, refusalOf(error));
    }
  }
  return new Map(records.map((r) => [r.seq, refusedSeqs.get(r.seq) ?? RECORDED]));
};
type PutEntry = PutCatalogEntriesInput['entries'][number];

/**
 * Resolutions, many per `ResolveBatch`. The contract answers a resolution id it holds already with
 * `CONFLICT`: after a crash between the ledger's commit and the outbox's, that is this very
 * resolution, which the ledger then shows.
 */
const deliverResolutions: KindDelivery = (ledger, records) =>
  inHalves(records, RESOLUTIONS_PER_CALL, 'ResolveBatch', async (part) => {
    const requests = part.map((r) => r.record.body as BatchedResolveInput);
    const { refused } = await ledger.resolveBatch(requests);
    const codes = new Map(refused.map((r) => [r.resolutionId, r.code]));
    const outcomes = new Map<number, OutboxOutcome>();
    for (const r of part) {
      const request = r.record.body as BatchedResolveInput;
      const code = codes.get(request.resolutionId);
      if (code === undefined) outcomes.set(r.seq, RECORDED);
      else if (code === 'CONFLICT' && (await sameResolutionHeld(ledger, request)))
        outcomes.set(r.seq, RECORDED);
      else
        outcomes.set(r.seq, {
          status: 'refused',
          code,
          reason: `the ledger refused resolution ${request.resolutionId} (${code})`,
        });
    }
    return outcomes;
  });

async function sameResolutionHeld(
  ledger: OutboxLedger,
  request: BatchedResolveInput,
): Promise<boolean> {
  const held = await ledger.getResolution(request.resolutionId);
  return (
    held !== null &&
    held.applicationId === request.applicationId &&
    held.function === request.function
  );
}

/** Trades, many per `RecordTrades`; the contract answers a trade it holds with its first receipt, so a resend is harmless. */
const deliverTrades: KindDelivery = (ledger, records) =>
  inHalves(records, MAX_TRADES_PER_CALL, 'RecordTrades', async (part) => {
    const { receipts } = await ledger.recordTrades(part.map((r) => r.record.body as Trade));
    const byTrade = new Map(receipts.map((receipt) => [receipt.tradeId, receipt]));
    return new Map(
      part.map((r): [number, OutboxOutcome] => {
        const receipt = byTrade.get((r.record.body as Trade).tradeId);
        return [
          r.seq,
          receipt
            ? { status: 'recorded', receipt }
            : {
                status: 'refused',
                code: 'NO_RECEIPT',
                reason: 'the ledger recorded the batch without a receipt for this trade',
              },
        ];
      }),
    );
  });

/** Tamper reports, one call each (they are rare). */
const deliverTamper: KindDelivery = (ledger, records) =>
  inHalves(records, 1, 'ReportTamper', async ([r]) => {
    if (r) await ledger.reportTamper(r.record.body as ReportTamperInput);
    return new Map(r ? [[r.seq, RECORDED]] : []);
  });

/** How each kind reaches the ledger. */
export const DELIVERIES: Readonly<Record<OutboxKind, KindDelivery>> = {
  fields: deliverFields,
  catalog: deliverCatalog,
  resolution: deliverResolutions,
  trade: deliverTrades,
  tamper: deliverTamper,
};
