import { ContractError, parseResolveBatch } from '../contract/index.js';
import { GridmarkError, type Logger } from '../../schema/index.js';
import { DELIVERIES, type OutboxLedger } from './outbox-delivery.js';
import {
  DELIVERY_STAGES,
  recordKey,
  type KeyedRecord,
  type OutboxKind,
  type OutboxOutcome,
  type OutboxRecord,
  type StoredRecord,
} from './outbox-records.js';
import { SqliteOutboxStore } from './sqlite-outbox-store.js';

/** Options of {@link openLedgerOutbox}. */
export interface LedgerOutboxOptions {
  readonly ledger: OutboxLedger;
  /** The outbox's SQLite file; `:memory:` (the default) keeps it in memory, for tests only. */
  readonly path?: string;
  readonly logger: Logger;
  /** Records read per round. Default 2,000. */
  readonly roundSize?: number;
  /** How long an append waits for others to share its round. Default 5 ms. */
  readonly lingerMs?: number;
  /** Waiting records beyond which new resolutions are refused (queries fail closed). Default 20,000. */
  readonly maxBacklog?: number;
  /** The longest `close` waits for a last round. Default 5 s. */
  readonly stopTimeoutMs?: number;
}

/** One settled record, as a settle hook sees it. */
export interface SettledRecord {
  readonly stored: StoredRecord;
  readonly outcome: OutboxOutcome;
}

/**
 * Runs before settled records leave the outbox (a trade's receipt goes into the billing book);
 * if it throws, they stay and are sent again (the ledger answers a record it holds as it did).
 */
export type SettleHook = (settled: readonly SettledRecord[]) => Promise<void> | void;

type Phase =
  { readonly name: 'running' } | { readonly name: 'closing' } | { readonly name: 'closed' };

interface Waiter {
  readonly resolve: (outcome: OutboxOutcome) => void;
  readonly reject: (error: GridmarkError) => void;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * The one way gridmark writes to the ledger: resolutions, trades, tamper reports and the
 * registry's evidence (fields and catalog entries) are appended to one durable, ordered outbox
 * (a SQLite file), and one drain moves them to the ledger in rounds. A round reads the oldest
 * waiting records and sends them kind by kind in dependency order (fields, catalog, resolutions,
 * trades, tamper reports), many per transaction; what the ledger refuses is set aside with its
 * code; while the ledger cannot be reached, everything waits, the outbox reports itself
 * unhealthy, and the round is retried with back-off.
 *
 * An append has been committed to the file when it returns: a process killed at any later point
 * finds the record waiting when it opens the outbox again, and sends it. Every kind is safe to
 * send twice: the contract answers a trade it holds with its first receipt, a resolution it holds
 * is recognised, and the registry's evidence is always the current state.
 */
export class LedgerOutbox {
  readonly #ledger: OutboxLedger;
  readonly #store: SqliteOutboxStore;
  readonly #logger: Logger;
  readonly #roundSize: number;
  readonly #lingerMs: number;
  readonly #maxBacklog: number;
  readonly #stopTimeoutMs: number;
  readonly #hooks = new Map<OutboxKind, SettleHook[]>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  #phase: Phase = { name: 'running' };
  #waiting: number;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #failing: GridmarkError | undefined;
  #backoffMs = FIRST_BACKOFF_MS;
  #wake: (() => void) | undefined;
  /**
   * Flushes waiting on a round, woken when closing begins or a round fails. Each removes itself
   * when its wait ends: a promise that lived as long as the outbox would keep every wait's reaction.
   */
  readonly #flushWakers = new Set<() => void>();

  constructor(options: LedgerOutboxOptions) {
    this.#ledger = options.ledger;
    this.#store = new SqliteOutboxStore(options.path ?? ':memory:');
    this.#logger = options.logger;
    this.#roundSize = options.roundSize ?? 2_000;
    this.#lingerMs = options.lingerMs ?? 5;
    this.#maxBacklog = options.maxBacklog ?? 20_000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
    this.#waiting = this.#store.size();
    if (this.#waiting > 0) {
      this.#logger.info(
        `the ledger outbox holds ${this.#waiting} record(s) from before: sending them`,
      );
      this.#schedule();
    }
  }

  /** Records waiting for the ledger. */
  get backlog(): number {
    return this.#waiting;
  }

  /** False while the ledger cannot be reached, and once closing. */
  healthy(): boolean {
    return this.#phase.name === 'running' && this.#failing === undefined;
  }

  /** The ledger's refusal of the record of `key`, when it refused it. */
  refusal(
    key: string,
  ): { readonly code: string; readonly reason: string; readonly at: string } | undefined {
    const refused = this.#store.refusal(key);
    return refused ? { code: refused.code, reason: refused.reason, at: refused.at } : undefined;
  }

  /** Adds a hook that runs when records of `kind` settle, before they leave the outbox. */
  onSettled(kind: OutboxKind, hook: SettleHook): () => void {
    const hooks = this.#hooks.get(kind) ?? [];
    hooks.push(hook);
    this.#hooks.set(kind, hooks);
    return () =>
      this.#hooks.set(
        kind,
        (this.#hooks.get(kind) ?? []).filter((h) => h !== hook),
      );
  }

  /**
   * Appends a resolution for a query: durable when this returns; the promise settles with what
   * the ledger did. It never counts as an unhandled rejection.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the ledger is not taking records (failing, or
   *   the backlog is full) or the outbox is closing: the query is then refused before any data is
   *   fetched. `LEDGER_REJECTED` when the contract would refuse the record as it stands.
   */
  appendResolution(record: Extract<OutboxRecord, { kind: 'resolution' }>): Promise<OutboxOutcome> {
    if (this.#phase.name !== 'running')
      throw new GridmarkError(
        'LEDGER_UNAVAILABLE',
        'The gateway is stopping; nothing more is released.',
      );
    if (this.#failing || this.#waiting >= this.#maxBacklog) {
      throw new GridmarkError(
        'LEDGER_UNAVAILABLE',
        'The ledger is not recording resolutions; nothing is released until it does.',
        this.#failing ? { cause: this.#failing } : {},
      );
    }
    checkResolution(record);
    return this.append(record);
  }

  /**
   * Appends a record someone waits for, durably, and returns its outcome (see
   * {@link appendResolution} for queries). A record whose key already waits is not added twice.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the outbox is closed, or its file cannot be written.
   */
  append(record: KeyedRecord): Promise<OutboxOutcome> {
    this.appendAll([record]);
    // The drain starts after a linger at the earliest: the waiter is in place before it settles.
    return this.outcome(recordKey(record));
  }

  /**
   * Appends records in one transaction, durably; returns how many were new. Nobody waits for them
   * (the registry's evidence, a book's trades offered again after a restart).
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the outbox is closed or its file cannot be written
   */
  appendAll(records: readonly OutboxRecord[]): number {
    if (this.#phase.name === 'closed')
      throw new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger outbox is closed.');
    let added: number;
    try {
      added = this.#store.append(records);
    } catch (error) {
      throw new GridmarkError(
        'LEDGER_UNAVAILABLE',
        'The ledger outbox could not be written; nothing is released.',
        { cause: error },
      );
    }
    this.#waiting += added;
    this.#schedule();
    return added;
  }

  /**
   * What the ledger did with the record of `key`: waits while it is in the outbox. A key that is
   * not waiting has been settled: refused (if the outbox set it aside) or recorded.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` while the ledger cannot be reached, after `timeoutMs`, or when the outbox closes first
   */
  outcome(key: string, timeoutMs?: number): Promise<OutboxOutcome> {
    const promise = new Promise<OutboxOutcome>((resolve, reject) => {
      const waiters = this.#waiters.get(key) ?? new Set<Waiter>();
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          waiters.delete(waiter);
          if (waiters.size === 0) this.#waiters.delete(key);
          reject(
            new GridmarkError(
              'LEDGER_UNAVAILABLE',
              `${key} is not on the ledger after ${timeoutMs} ms.`,
              { details: { record: key } },
            ),
          );
        }, timeoutMs);
      }
      waiters.add(waiter);
      this.#waiters.set(key, waiters);
    });
    promise.catch(() => undefined);
    return promise;
  }

  /**
   * Resolves when everything waiting now has been settled; while the ledger cannot be reached it
   * keeps waiting (the outbox retries) until `timeoutMs`, unless `giveUpWhenFailing`.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when it is not all settled within `timeoutMs`, or the outbox closes
   */
  async flush(
    timeoutMs = 30_000,
    options: { readonly giveUpWhenFailing?: boolean } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#waiting > 0) {
      if (this.#phase.name !== 'running') throw closedError();
      // A stopping process does not wait for a ledger that is down: what waits stays in the file.
      if (options.giveUpWhenFailing && this.#failing)
        throw new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger is not taking records.', {
          cause: this.#failing,
        });
      if (Date.now() >= deadline)
        throw new GridmarkError(
          'LEDGER_UNAVAILABLE',
          `The ledger did not take the outbox's ${this.#waiting} record(s) within ${timeoutMs} ms.`,
          this.#failing ? { cause: this.#failing } : {},
        );
      this.#again = true;
      let timer: NodeJS.Timeout | undefined;
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.#flushWakers.add(wake);
      // A flush that does not give up on failure loops again when woken by one, and waits on.
      await Promise.race([
        this.#draining ?? this.#kick(),
        woken,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
      ]);
      this.#flushWakers.delete(wake);
      clearTimeout(timer);
    }
  }

  /** One last round for what waits, unless the ledger is failing (never longer than `stopTimeoutMs`); then closes the file. What still waits is sent when it opens again. */
  async close(): Promise<void> {
    if (this.#phase.name !== 'running') return;
    this.#phase = { name: 'closing' };
    this.#wakeFlushes();
    clearTimeout(this.#timer);
    this.#wake?.();
    let deadline: NodeJS.Timeout | undefined;
    const last = this.#failing ? this.#draining : this.#kick();
    await Promise.race([
      last ?? Promise.resolve(),
      new Promise<void>((resolve) => (deadline = setTimeout(resolve, this.#stopTimeoutMs))),
    ]);
    clearTimeout(deadline);
    // A round still under way ends with the phase below; let it finish with the file.
    await Promise.race([
      this.#draining ?? Promise.resolve(),
      new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref()),
    ]);
    this.#phase = { name: 'closed' };
    if (this.#waiting > 0)
      this.#logger.warn(
        `${this.#waiting} record(s) wait in the ledger outbox; they are sent when it opens again`,
      );
    for (const waiters of this.#waiters.values()) for (const w of waiters) w.reject(closedError());
    this.#waiters.clear();
    this.#store.close();
  }

  #schedule(): void {
    if (this.#phase.name !== 'running') return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#kick();
    }, this.#lingerMs);
  }

  #kick(): Promise<void> {
    this.#again = true;
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #drain(): Promise<void> {
    while (
      this.#again &&
      this.#phase.name !== 'closed' &&
      !(this.#phase.name === 'closing' && this.#failing)
    ) {
      this.#again = false;
      try {
        const more = await this.#round();
        if (this.#failing) this.#logger.info('the ledger takes records again');
        this.#failing = undefined;
        this.#backoffMs = FIRST_BACKOFF_MS;
        if (more) this.#again = true;
      } catch (error) {
        this.#failing =
          error instanceof GridmarkError
            ? error
            : new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger did not answer.', {
                cause: error,
              });
        this.#logger.error(
          `${this.#waiting} record(s) wait for the ledger, retrying in ${this.#backoffMs} ms: ${this.#failing.message}`,
        );
        this.#rejectWaiters(
          new GridmarkError(
            'LEDGER_UNAVAILABLE',
            'The ledger is not recording; nothing is released until it does.',
            { cause: this.#failing },
          ),
        );
        this.#wakeFlushes();
        if (this.#phase.name !== 'running') return;
        await this.#backoff();
        this.#again = true;
      }
    }
  }

  /** One round: the oldest waiting records, kind by kind. Returns whether more wait. Throws when the ledger cannot be reached. */
  async #round(): Promise<boolean> {
    const records = this.#store.waiting(this.#roundSize);
    if (records.length === 0) return false;
    for (const stage of DELIVERY_STAGES) {
      // The kinds of a stage are sent at once (on the embedded ledger they share a block); one that fails leaves the others settled.
      const sent = await Promise.allSettled(
        stage.map((kind) =>
          this.#deliver(
            kind,
            records.filter((r) => r.record.kind === kind),
          ),
        ),
      );
      const failed = sent.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return records.length === this.#roundSize;
  }

  /** Sends one kind's records of a round and settles them. Throws when the ledger could not be reached (they wait). */
  async #deliver(kind: OutboxKind, ofKind: readonly StoredRecord[]): Promise<void> {
    if (ofKind.length === 0) return;
    const outcomes = await DELIVERIES[kind](this.#ledger, ofKind);
    const settled = ofKind.map((stored): SettledRecord => ({
      stored,
      outcome: outcomes.get(stored.seq) ?? {
        status: 'refused',
        code: 'NO_OUTCOME',
        reason: 'the ledger gave no outcome',
      },
    }));
    for (const hook of this.#hooks.get(kind) ?? []) await hook(settled);
    this.#settle(settled);
  }

  #settle(settled: readonly SettledRecord[]): void {
    const refused = settled.filter((s) => s.outcome.status === 'refused');
    this.#store.settle(
      settled.filter((s) => s.outcome.status === 'recorded').map((s) => s.stored.seq),
      refused.map((s) => ({
        ...s.stored,
        code: s.outcome.status === 'refused' ? s.outcome.code : '',
        reason: s.outcome.status === 'refused' ? s.outcome.reason : '',
      })),
    );
    this.#waiting = Math.max(0, this.#waiting - settled.length);
    for (const s of refused)
      if (s.outcome.status === 'refused')
        this.#logger.warn(
          `the ledger refused ${s.stored.key}: [${s.outcome.code}] ${s.outcome.reason}`,
        );
    for (const s of settled) {
      const waiters = this.#waiters.get(s.stored.key);
      this.#waiters.delete(s.stored.key);
      for (const w of waiters ?? []) w.resolve(s.outcome);
    }
  }

  #wakeFlushes(): void {
    const wakers = [...this.#flushWakers];
    this.#flushWakers.clear();
    for (const wake of wakers) wake();
  }

  #rejectWaiters(error: GridmarkError): void {
    const all = [...this.#waiters.values()];
    this.#waiters.clear();
    for (const waiters of all) for (const w of waiters) w.reject(error);
  }

  #backoff(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#backoffMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    }).finally(() => {
      this.#wake = undefined;
    });
  }
}

/**
 * Opens the ledger outbox at `options.path` and sends what it holds from before.
 *
 * @example
 * const outbox = openLedgerOutbox({ ledger, path: 'data/ledger/outbox.db', logger });
 * const recorded = outbox.appendResolution({ kind: 'resolution', body: request });
 */
export function openLedgerOutbox(options: LedgerOutboxOptions): LedgerOutbox {
  return new LedgerOutbox(options);
}

/** Refuses, before it is appended, a resolution the contract would refuse (so it never reaches a batch). */
function checkResolution(record: Extract<OutboxRecord, { kind: 'resolution' }>): void {
  try {
    parseResolveBatch({ requests: [record.body] });
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    throw new GridmarkError(
      'LEDGER_REJECTED',
      `The ledger would refuse this query's resolution: ${error.reason}.`,
      { details: { contractCode: error.code, reason: error.reason }, cause: error },
    );
  }
}

function closedError(): GridmarkError {
  return new GridmarkError(
    'LEDGER_UNAVAILABLE',
    'The ledger outbox closed before this record was on the ledger; it is sent when the outbox opens again.',
  );
}
