import type { LedgerOutbox, OutboxRecord } from '../../ledger-adapter/index.js';
import { GridmarkError, type Logger } from '../../schema/index.js';
import type { OutboxEntry, RegistryStore } from './registry-store.js';

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
  return new OutboxEvidencePublisher(store, outbox, logger, options.retryMs ?? 1_000);
}

/** Longest wait between two attempts after failures. */
const MAX_RETRY_MS = 30_000;

/**
 * One hand-over runs at a time; a poke during it asks for another pass. A failed pass retries
 * with a doubling delay until one succeeds or the publisher stops.
 */
class OutboxEvidencePublisher implements LedgerEvidencePublisher {
  readonly #store: RegistryStore;
  readonly #outbox: LedgerOutbox;
  readonly #logger: Logger;
  readonly #retryMs: number;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #backoff: number;

  constructor(store: RegistryStore, outbox: LedgerOutbox, logger: Logger, retryMs: number) {
    this.#store = store;
    this.#outbox = outbox;
    this.#logger = logger;
    this.#retryMs = retryMs;
    this.#backoff = retryMs;
  }

  async flush(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A pass already under way may have read the log before the newest changes: loop until empty.
    while (!this.#stopped) {
      await this.#run();
      if ((await this.#store.outboxBatch(1)).length === 0) break;
      if (Date.now() > deadline)
        throw new GridmarkError(
          'LEDGER_UNAVAILABLE',
          `the registry's evidence did not reach the ledger outbox within ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.#outbox.flush(Math.max(1, deadline - Date.now()));
  }

  poke(): void {
    if (!this.#stopped) void this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** Starts a drain, or asks the one under way for another pass; settles when it ends. */
  #run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain()
      .then(() => {
        this.#backoff = this.#retryMs;
      })
      .catch((error: unknown) => this.#retryLater(error))
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      while ((await this.#handOver()) > 0) {
        /* keep going until the change log is empty */
      }
    } while (this.#again);
  }

  #retryLater(error: unknown): void {
    this.#logger.warn(
      `ledger evidence not handed to the outbox yet, retrying in ${this.#backoff} ms: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#run(), this.#backoff);
    this.#timer.unref();
    this.#backoff = Math.min(this.#backoff * 2, MAX_RETRY_MS);
  }

  /** Hands one pass of changes over; returns how many there were. */
  async #handOver(): Promise<number> {
    const batch = await this.#store.outboxBatch(CHANGES_PER_PASS);
    if (batch.length === 0) return 0;
    const subjects = (kind: OutboxEntry['kind']): string[] => [
      ...new Set(batch.filter((e) => e.kind === kind).map((e) => e.subject)),
    ];
    const records = [
      ...(await fieldRecords(this.#store, subjects('fields'))),
      ...(await catalogRecords(this.#store, subjects('catalog'))),
    ];
    this.#outbox.appendAll(records);
    await this.#store.outboxDone(batch.at(-1)?.seq ?? 0);
    return batch.length;
  }
}

/** `RegisterFields` records: each system's current fields (none for a system that has none). */
async function fieldRecords(
  store: RegistryStore,
  systemCodes: readonly string[],
): Promise<OutboxRecord[]> {
  const records: OutboxRecord[] = [];
  for (const systemCode of systemCodes) {
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
  return records;
}

/** `PutCatalogEntries` records: the devices' current holdings, in chunks the contract accepts. */
async function catalogRecords(
  store: RegistryStore,
  devices: readonly string[],
): Promise<OutboxRecord[]> {
  const records: OutboxRecord[] = [];
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
  return records;
}
