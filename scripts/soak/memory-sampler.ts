import { performance } from 'node:perf_hooks';
import { quantile } from '../bench/http-load.js';
import { residentBytes } from './process-memory.js';
import type { NetworkProcess } from './soak-network.js';
import type { TrafficDriver } from './traffic-driver.js';

/** One sample: every process's resident memory, the gateway's heap, and the traffic since the last sample. */
export interface MemorySample {
  /** Seconds since sampling started. */
  readonly t: number;
  /** Resident set size per process name, bytes (null once a process is gone). */
  readonly rss: Readonly<Record<string, number | null>>;
  /**
   * The gateway's own view (its main thread's): V8 heap in use and reserved, and memory of
   * objects outside the heap (buffers, native objects that V8 knows of), bytes.
   */
  readonly gatewayHeapUsed: number | null;
  readonly gatewayHeapTotal: number | null;
  readonly gatewayExternal: number | null;
  /** Gateway queries (single, multi, quote) answered successfully per second over the window. */
  readonly queriesPerSecond: number;
  /** Queries due but not sent because too many were in flight, and operations that failed, in the window. */
  readonly skipped: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Options of {@link MemorySampler}. */
export interface MemorySamplerOptions {
  readonly processes: readonly NetworkProcess[];
  readonly intervalMs: number;
  readonly traffic: TrafficDriver;
  /** The gateway's own view of its memory. */
  readonly gatewayMemory: () => Promise<NodeJS.MemoryUsage>;
  /** Called with each sample as it is taken (the live log). */
  readonly onSample?: (sample: MemorySample) => void;
}

/** Samples every process's memory every few seconds while the soak's traffic runs. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  readonly #options: MemorySamplerOptions;
  #timer: NodeJS.Timeout | undefined;
  #taking: Promise<void> | undefined;
  #started = 0;

  constructor(options: MemorySamplerOptions) {
    this.#options = options;
  }

  /** Takes a first sample now and one every interval after. */
  start(): void {
    this.#started = performance.now();
    this.#options.traffic.window();
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs);
  }

  /** Takes a last sample and stops. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#taking;
    await this.#take();
  }

  #tick(): void {
    // A sample still waiting for the gateway's answer is not overtaken by the next.
    if (this.#taking) return;
    this.#taking = this.#take().finally(() => (this.#taking = undefined));
  }

  async #take(): Promise<void> {
    const t = (performance.now() - this.#started) / 1_000;
    const rss = Object.fromEntries(
      this.#options.processes.map((p) => [p.name, residentBytes(p.pid) ?? null]),
    );
    const heap = await this.#options.gatewayMemory().catch(() => undefined);
    const w = this.#options.traffic.window();
    const queries = w.counts.single.ok + w.counts.multi.ok + w.counts.quote.ok;
    const skipped = Object.values(w.counts).reduce((n, c) => n + c.skipped, 0);
    const failed = Object.values(w.counts).reduce((n, c) => n + c.failed, 0);
    const sample: MemorySample = {
      t,
      rss,
      gatewayHeapUsed: heap?.heapUsed ?? null,
      gatewayHeapTotal: heap?.heapTotal ?? null,
      gatewayExternal: heap?.external ?? null,
      queriesPerSecond: w.seconds > 0 ? queries / w.seconds : 0,
      skipped,
      failed,
      p50Ms: quantile(w.latenciesMs, 0.5),
      p99Ms: quantile(w.latenciesMs, 0.99),
    };
    this.samples.push(sample);
    this.#options.onSample?.(sample);
  }
}
