import { performance } from 'node:perf_hooks';
import { OPERATION_KINDS, type OperationKind, type SoakOperations } from './soak-operations.js';

/** Operations per second of each kind. */
export type TrafficMix = Readonly<Partial<Record<OperationKind, number>>>;

/** Counts of one kind of operation. */
export interface KindCounts {
  /** Due by the schedule. */
  scheduled: number;
  /** Due but not sent: as many requests were in flight as allowed (the network fell behind). */
  skipped: number;
  ok: number;
  failed: number;
  /** Queries whose answer carried a charge. */
  charged: number;
}

/** What one stretch of traffic did. */
export interface TrafficWindow {
  readonly seconds: number;
  readonly counts: Readonly<Record<OperationKind, KindCounts>>;
  /** Latencies of successful gateway queries (single, multi, quote), ms, ascending. */
  readonly latenciesMs: Float64Array;
  /** The first failures, for the log. */
  readonly failures: readonly string[];
}

const QUERY_KINDS: ReadonlySet<OperationKind> = new Set(['single', 'multi', 'quote']);
const TICK_MS = 2;
const KEPT_FAILURES = 5;

const emptyCounts = (): Record<OperationKind, KindCounts> =>
  Object.fromEntries(
    OPERATION_KINDS.map((k) => [k, { scheduled: 0, skipped: 0, ok: 0, failed: 0, charged: 0 }]),
  ) as Record<OperationKind, KindCounts>;

/**
 * Open-loop traffic at a steady rate: each kind's operations are due at its rate from the start,
 * whatever the answers take; one due while `maxInFlight` requests are waiting is skipped (and
 * counted), so a network that falls behind shows as a lower achieved rate, not a growing queue in
 * the load generator. {@link TrafficDriver.window} hands out what happened since the last call.
 */
export class TrafficDriver {
  readonly #operations: SoakOperations;
  readonly #maxInFlight: number;
  #inFlight = 0;
  #window = {
    started: performance.now(),
    counts: emptyCounts(),
    latencies: [] as number[],
    failures: [] as string[],
  };
  readonly #total = {
    started: performance.now(),
    counts: emptyCounts(),
    latencies: [] as number[],
    failures: [] as string[],
  };

  constructor(operations: SoakOperations, maxInFlight: number) {
    this.#operations = operations;
    this.#maxInFlight = maxInFlight;
  }

  /** Sends `mix` for `durationMs` (or until `signal` aborts), then waits for the answers still due. */
  async run(mix: TrafficMix, durationMs: number, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const sent = new Map<OperationKind, number>();
    const pending = new Set<Promise<void>>();
    while (!signal?.aborted) {
      const elapsed = performance.now() - started;
      if (elapsed >= durationMs) break;
      for (const kind of OPERATION_KINDS) {
        const due = Math.floor(((mix[kind] ?? 0) * elapsed) / 1_000) - (sent.get(kind) ?? 0);
        for (let i = 0; i < due; i++) {
          sent.set(kind, (sent.get(kind) ?? 0) + 1);
          const request = this.#send(kind);
          if (request === undefined) continue;
          pending.add(request);
          void request.finally(() => pending.delete(request));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    await Promise.all(pending);
  }

  /** What happened since the previous call (or the start). */
  window(): TrafficWindow {
    const w = this.#window;
    this.#window = {
      started: performance.now(),
      counts: emptyCounts(),
      latencies: [],
      failures: [],
    };
    return {
      seconds: (performance.now() - w.started) / 1_000,
      counts: w.counts,
      latenciesMs: Float64Array.from(w.latencies).sort(),
      failures: w.failures,
    };
  }

  /** Everything since the driver was made. Latencies are not kept over the whole run. */
  totals(): TrafficWindow {
    const t = this.#total;
    // A copy: the driver goes on counting into its own.
    const counts = Object.fromEntries(
      OPERATION_KINDS.map((k) => [k, { ...t.counts[k] }]),
    ) as Record<OperationKind, KindCounts>;
    return {
      seconds: (performance.now() - t.started) / 1_000,
      counts,
      latenciesMs: new Float64Array(),
      failures: [...t.failures],
    };
  }

  #send(kind: OperationKind): Promise<void> | undefined {
    const books = [this.#window, this.#total];
    for (const b of books) b.counts[kind].scheduled += 1;
    if (this.#inFlight >= this.#maxInFlight) {
      for (const b of books) b.counts[kind].skipped += 1;
      return undefined;
    }
    this.#inFlight += 1;
    const sentAt = performance.now();
    return this.#operations(kind).then((outcome) => {
      this.#inFlight -= 1;
      // The window current when the answer came.
      for (const b of [this.#window, this.#total]) {
        const c = b.counts[kind];
        if (outcome.ok) c.ok += 1;
        else c.failed += 1;
        if (outcome.charged) c.charged += 1;
        if (!outcome.ok && b.failures.length < KEPT_FAILURES)
          b.failures.push(`${kind}: ${outcome.failure ?? 'failed'}`);
      }
      if (outcome.ok && QUERY_KINDS.has(kind))
        this.#window.latencies.push(performance.now() - sentAt);
    });
  }
}
