import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import { GridmarkError, type Logger } from '../../schema/index.js';
import type { RegistryStore } from './registry-store.js';

/** The chunk sizes the contract accepts per call. */
const CATALOG_CHUNK = 1_000;
const OUTBOX_BATCH = 5_000;

/** Moves the registry's evidence (fields with fee standards, the association catalog) onto the ledger. */
export interface LedgerEvidencePublisher {
  /**
   * Publishes everything pending now; resolves when the outbox is empty.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the ledger has not taken it within `timeoutMs`.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** Asks for a drain soon (after a registry change). */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * Drains the registry's ledger outbox (written in the same transactions as the registrations)
 * onto the ledger: `RegisterFields` for a system whose fields changed, then `PutCatalogEntries`
 * for the devices whose holdings changed, always the current state, so a retry is harmless.
 * When the ledger does not answer, it retries with back-off; the registry keeps working.
 */
export function createLedgerEvidencePublisher(store: RegistryStore, ledger: LedgerAdapter, logger: Logger, options: { readonly retryMs?: number } = {}): LedgerEvidencePublisher {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let backoff = options.retryMs ?? 1_000;

  const publishBatch = async (): Promise<number> => {
    const batch = await store.outboxBatch(OUTBOX_BATCH);
    if (batch.length === 0) return 0;
    const systems = [...new Set(batch.filter((e) => e.kind === 'fields').map((e) => e.subject))];
    for (const systemCode of systems) {
      const fields = await store.listFields(systemCode);
      if (fields.length > 0) await ledger.registerFields({ systemCode, fields: fields.map((f) => ({ fieldCode: f.code, coordinate: f.coordinate, feeFen: f.feeFen ?? 0, changePolicy: f.changePolicy })) });
    }
    const devices = [...new Set(batch.filter((e) => e.kind === 'catalog').map((e) => e.subject))];
    for (let i = 0; i < devices.length; i += CATALOG_CHUNK) {
      const chunk = devices.slice(i, i + CATALOG_CHUNK);
      const associations = await store.associations(chunk);
      const entries = chunk.flatMap((deviceId) => {
        const entry = associations.get(deviceId);
        return entry ? [{ deviceId, holdings: entry.holdings.map((h) => ({ systemCode: h.systemCode, fieldCodes: h.fieldCodes })) }] : [];
      });
      if (entries.length > 0) await ledger.putCatalogEntries({ entries });
    }
    await store.outboxDone(batch.at(-1)?.seq ?? 0);
    return batch.length;
  };

  const drain = async (): Promise<void> => {
    do {
      again = false;
      while ((await publishBatch()) > 0) {
        /* keep going until the outbox is empty */
      }
    } while (again);
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .then(() => {
        backoff = options.retryMs ?? 1_000;
      })
      .catch((error: unknown) => {
        logger.warn(`ledger evidence not published yet, retrying in ${backoff} ms: ${error instanceof Error ? error.message : String(error)}`);
        if (!stopped) {
          timer = setTimeout(() => void run(), backoff);
          timer.unref();
          backoff = Math.min(backoff * 2, 30_000);
        }
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return {
    async flush(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      // A drain already under way may have read the outbox before the newest entries: loop until empty.
      while (!stopped) {
        await run();
        if ((await store.outboxBatch(1)).length === 0) return;
        if (Date.now() > deadline) throw new GridmarkError('LEDGER_UNAVAILABLE', `the ledger did not take the registry's evidence within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    poke() {
      if (!stopped) void run();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
