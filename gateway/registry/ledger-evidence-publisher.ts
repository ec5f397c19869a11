import type { LedgerOutbox, OutboxRecord } from '../../ledger-adapter/outbox/index.js';
import { GridmarkError, type Logger } from '../../schema/index.js';
import type { RegistryStore } from './registry-store.js';

/** The chunk sizes the contract accepts per call. */
const CATALOG_CHUNK = 1_000;
const CHANGES_PER_PASS = 5_000;

/** Moves the registry's evidence (fields with fee standards, the association catalog) onto the ledger. */
export interface LedgerEvidencePublisher {
  /**
   * Hands everything pending now to the ledger outbox and waits until the ledger has it.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the ledger has not taken it within `timeoutMs`.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** Asks for a hand-over soon (after a registry change). */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * The registry records which systems' fields and which devices' holdings changed in the same
 * transactions as the registrations (its change log). This moves them into the ledger outbox:
 * `RegisterFields` for a system whose fields changed, `PutCatalogEntries` for the devices whose
 * holdings changed, always the current state, so a record handed over twice is harmless. A change
 * leaves the log only once the outbox holds it durably; the outbox takes it to the ledger in order
 * with the gateway's resolutions and trades.
 */
export function createLedgerEvidencePublisher(
  store: RegistryStore,
  outbox: LedgerOutbox,
  logger: Logger,
  options: { readonly retryMs?: number } = {},
): LedgerEvidencePublisher {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let backoff = options.retryMs ?? 1_000;

  /** Hands one pass of changes over; returns how many there were. */
  const handOver = async (): Promise<number> => {
    const batch = await store.outboxBatch(CHANGES_PER_PASS);
    if (batch.length === 0) return 0;
    const records: OutboxRecord[] = [];
    for (const systemCode of new Set(
      batch.filter((e) => e.kind === 'fields').map((e) => e.subject),
    )) {
      const fields = await store.listFields(systemCode);
      if (fields.length > 0)
        records.push({
          kind: 'fields',
          body: {
            systemCode,
            fields: fields.map((f) => ({
              fieldCode: f.code,
              coordinate: f.coordinate,
              feeFen: f.feeFen ?? 0,
              changePolicy: f.changePolicy,
            })),
          },
        });
    }
    const devices = [...new Set(batch.filter((e) => e.kind === 'catalog').map((e) => e.subject))];
    for (let i = 0; i < devices.length; i += CATALOG_CHUNK) {
      const chunk = devices.slice(i, i + CATALOG_CHUNK);
      const associations = await store.associations(chunk);
      const entries = chunk.flatMap((deviceId) => {
        const entry = associations.get(deviceId);
        return entry
          ? [
              {
                deviceId,
                holdings: entry.holdings.map((h) => ({
                  systemCode: h.systemCode,
                  fieldCodes: h.fieldCodes,
                })),
              },
            ]
          : [];
      });
      if (entries.length > 0) records.push({ kind: 'catalog', body: { entries } });
    }
    outbox.appendAll(records);
    await store.outboxDone(batch.at(-1)?.seq ?? 0);
    return batch.length;
  };

  const drain = async (): Promise<void> => {
    do {
      again = false;
      while ((await handOver()) > 0) {
        /* keep going until the change log is empty */
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
        logger.warn(
          `ledger evidence not handed to the outbox yet, retrying in ${backoff} ms: ${error instanceof Error ? error.message : String(error)}`,
        );
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
      // A pass already under way may have read the log before the newest changes: loop until empty.
      while (!stopped) {
        await run();
        if ((await store.outboxBatch(1)).length === 0) break;
        if (Date.now() > deadline)
          throw new GridmarkError(
            'LEDGER_UNAVAILABLE',
            `the registry's evidence did not reach the ledger outbox within ${timeoutMs} ms`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      await outbox.flush(Math.max(1, deadline - Date.now()));
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
