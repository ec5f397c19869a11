import { commitField, newSalt } from '../../ledger-adapter/commitments/index.js';
import { silentLogger, type Logger } from '../../schema/index.js';
import type { AnchorJournal, JournalEntry } from './anchor-journal.js';
import type { SubgraphDeclaration } from './declaration.js';

/** Where a business system's commitments go: the ledger, directly or through the aggregator. */
export interface AnchorSink {
  /** The field identifier codes of this system's shareable fields, by field name. */
  fieldCodes(): Promise<ReadonlyMap<string, string>>;
  /** Anchors a batch; resolves with the ledger transaction once committed. */
  anchor(commitments: readonly { readonly deviceId: string; readonly fieldCode: string; readonly commitment: string }[]): Promise<{ readonly txId: string }>;
}

/** Options of {@link createAnchorer}. */
export interface AnchorerOptions {
  readonly declaration: SubgraphDeclaration;
  /** Every device identifier the system shares. */
  readonly listDevices: () => Promise<readonly string[]>;
  readonly journal: AnchorJournal;
  readonly sink: AnchorSink;
  readonly logger?: Logger;
  /** Devices read per loader call. */
  readonly batchSize?: number;
}

/** Commits a business system's field values and anchors the new or changed ones. */
export interface Anchorer {
  /**
   * Anchors the current values of `deviceIds`, changed ones included: the business system calls
   * this from its own write path, which vouches for the change.
   */
  anchorNow(deviceIds: readonly string[]): Promise<{ readonly anchored: number }>;
  /**
   * One scheduled pass over every device: anchors values never anchored, and changed values of
   * fields whose policy is `release-unverified`. A changed value of a `refuse` field is left as
   * it is, so an edit behind the system's back stays detectable as tampering.
   */
  anchorPass(): Promise<{ readonly anchored: number }>;
  /** Anchors every `intervalMs` (a pass at a time), until stopped. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/**
 * Reads the system's values through its own batch loader, commits to each (device, field) with a
 * fresh salt when the value is new or changed, anchors the commitments in batches and records the
 * salts in the journal only once the ledger has them. An unchanged value keeps its salt and costs
 * no ledger space. The business system calls {@link Anchorer.anchorNow} after it writes; the
 * scheduled passes anchor what is new and what its policy lets change.
 */
export function createAnchorer(options: AnchorerOptions): Anchorer {
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<{ anchored: number }> | undefined;

  const pass = async (only: readonly string[] | undefined): Promise<{ anchored: number }> => {
    const codes = await options.sink.fieldCodes();
    const fields = options.declaration.fields.filter((f) => codes.has(f.name));
    if (fields.length === 0) return { anchored: 0 };
    const vouched = only !== undefined;
    const ids = only ?? (await options.listDevices());
    let anchored = 0;
    for (let i = 0; i < ids.length; i += batchSize) {
      const chunk = ids.slice(i, i + batchSize);
      const [records, journal] = [await options.declaration.loadDevices(chunk), options.journal.lookup(chunk)];
      const pending: JournalEntry[] = [];
      for (const [deviceId, record] of records) {
        for (const field of fields) {
          const fieldCode = codes.get(field.name) ?? '';
          const value = record[field.name] ?? null;
          const known = journal.get(deviceId, field.name);
          if (known && known.fieldCode === fieldCode) {
            if (commitField({ deviceId, fieldCode, salt: known.salt, value }) === known.commitment) continue;
            if (!vouched && (field.changePolicy ?? 'refuse') === 'refuse') continue;
          }
          const salt = newSalt();
          pending.push({ deviceId, field: field.name, fieldCode, salt, commitment: commitField({ deviceId, fieldCode, salt, value }), txId: '', anchoredAt: '' });
        }
      }
      if (pending.length === 0) continue;
      const { txId } = await options.sink.anchor(pending.map((p) => ({ deviceId: p.deviceId, fieldCode: p.fieldCode, commitment: p.commitment })));
      const at = new Date().toISOString();
      options.journal.record(pending.map((p) => ({ ...p, txId, anchoredAt: at })));
      anchored += pending.length;
    }
    if (anchored > 0) logger.info(`anchored ${anchored} field commitments of ${options.declaration.name}`);
    return { anchored };
  };

  const queue = (deviceIds: readonly string[] | undefined): Promise<{ anchored: number }> => {
    // One pass at a time: a pass asked for during another runs after it.
    const next = (running ?? Promise.resolve({ anchored: 0 })).catch(() => ({ anchored: 0 })).then(() => pass(deviceIds));
    running = next.finally(() => {
      if (running === next) running = undefined;
    });
    return next;
  };

  return {
    anchorNow: (deviceIds) => queue(deviceIds),
    anchorPass: () => queue(undefined),
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        queue(undefined).catch((error: unknown) => logger.warn(`anchoring failed, will retry: ${error instanceof Error ? error.message : String(error)}`));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
