import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OperationRecord } from './request-scope.js';

/** Latency buckets in seconds: a cached query answers in a few ms, a slow system in seconds. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the gateway's gauges read when scraped. */
export interface MetricSources {
  /** Records waiting in the ledger outbox; undefined without access control. */
  readonly outboxBacklog?: () => number | undefined;
  /** Transactions the ledger adapter has made (cache hits make none). */
  readonly ledgerStats?: () => { readonly evaluations: number; readonly submissions: number };
  /** Requests being served now. */
  readonly inFlight?: () => number;
}

/** How a subgraph call ended: an answer (any status), or a failure to get one. */
export type SubgraphOutcome = 'ok' | 'http_error' | 'failed';

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways can run in one
 * process). Every series is named `gridmark_…`; docs/observability.md lists them.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests = this.#counter(
    'gridmark_requests_total',
    'GraphQL operations answered, by outcome: OK or the first error code.',
    ['outcome'],
  );
  readonly #requestSeconds = this.#histogram(
    'gridmark_request_duration_seconds',
    'Time from a GraphQL request arriving to its answer being written.',
    [],
  );
  readonly #refusals = this.#counter(
    'gridmark_refusals_total',
    'Errors in answers, by stable code (a refused operation, a withheld value, an unavailable system).',
    ['code'],
  );
  readonly #subgraph = this.#counter(
    'gridmark_subgraph_requests_total',
    'Requests to business systems, by system and outcome (ok, http_error, failed).',
    ['system', 'outcome'],
  );
  readonly #subgraphSeconds = this.#histogram(
    'gridmark_subgraph_request_duration_seconds',
    'Time of one request to a business system, by system.',
    ['system'],
  );
  readonly #ledger = this.#counter(
    'gridmark_ledger_calls_total',
    "The gateway's calls to the ledger adapter, by method, kind (read, write) and outcome (ok, error).",
    ['method', 'kind', 'outcome'],
  );
  readonly #ledgerSeconds = this.#histogram(
    'gridmark_ledger_call_duration_seconds',
    "Time of the gateway's calls to the ledger adapter, by kind.",
    ['kind'],
  );
  readonly #cache = this.#counter(
    'gridmark_ledger_read_cache_total',
    'Cached ledger reads, by result: hit (answered without a ledger transaction) or miss.',
    ['result'],
  );
  readonly #values = this.#counter(
    'gridmark_values_total',
    'Business-system values checked against the ledger, by verification status; VERIFIED and UNVERIFIED are released, TAMPERED and UNVERIFIABLE withheld.',
    ['status'],
  );
  readonly #tamper = this.#counter(
    'gridmark_tamper_reports_total',
    'Values found tampered and reported on the ledger, by system.',
    ['system'],
  );
  readonly #charges = this.#counter(
    'gridmark_charges_total',
    'Queries charged (a trade written to the book).',
    [],
  );
  readonly #chargedFen = this.#counter(
    'gridmark_charged_fen_total',
    'Amounts charged to applications, in fen.',
    [],
  );
  readonly #feesFen = this.#counter(
    'gridmark_platform_fees_fen_total',
    "The platform's fees in the amounts charged, in fen.",
    [],
  );

  #processMetrics = false;

  constructor(sources: MetricSources = {}) {
    this.#gauges(sources);
  }

  /**
   * Adds the process's own metrics (CPU, memory, event loop, GC), prefixed `gridmark_`. Called
   * when the gateway listens: a gateway run only in-process (tests) does not observe the process.
   */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry, prefix: 'gridmark_' });
  }

  /** The metrics in Prometheus' text format. */
  async text(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One GraphQL request has been answered: its operations' outcomes, values and charges. */
  requestEnded(operations: readonly OperationRecord[], seconds: number): void {
    if (operations.length === 0) return;
    this.#requestSeconds.observe(seconds);
    for (const operation of operations) this.#operationEnded(operation);
  }

  /** One request to a business system has ended. */
  subgraphCall(system: string, outcome: SubgraphOutcome, seconds: number): void {
    this.#subgraph.inc({ system, outcome });
    this.#subgraphSeconds.observe({ system }, seconds);
  }

  /** One call to the ledger adapter has ended; `cacheHit` for the cached reads. */
  ledgerCall(
    method: string,
    kind: 'read' | 'write',
    ok: boolean,
    seconds: number,
    cacheHit?: boolean,
  ): void {
    this.#ledger.inc({ method, kind, outcome: ok ? 'ok' : 'error' });
    this.#ledgerSeconds.observe({ kind }, seconds);
    if (cacheHit !== undefined) this.#cache.inc({ result: cacheHit ? 'hit' : 'miss' });
  }

  #operationEnded({ result, context }: OperationRecord): void {
    const codes = (result?.errors ?? []).map((e) => errorCode(e.extensions));
    this.#requests.inc({ outcome: codes[0] ?? 'OK' });
    for (const code of new Set(codes)) this.#refusals.inc({ code });
    for (const verification of context?.access?.verifications ?? []) {
      this.#values.inc({ status: verification.status });
      if (verification.status === 'TAMPERED')
        this.#tamper.inc({ system: (verification as { system?: string }).system ?? 'unknown' });
    }
    const charge = (result?.extensions?.['gridmark'] as { charge?: Record<string, unknown> })
      ?.charge;
    if (charge && typeof charge['tradeId'] === 'string') {
      this.#charges.inc();
      this.#chargedFen.inc(numberOr0(charge['amountFen']));
      this.#feesFen.inc(numberOr0(charge['platformFeeFen']));
    }
  }

  #gauges(sources: MetricSources): void {
    const { outboxBacklog, ledgerStats, inFlight } = sources;
    this.#gauge(
      'gridmark_ledger_outbox_backlog',
      'Records (resolutions, trades, tamper reports, evidence) waiting in the ledger outbox.',
      [],
      (g) => {
        const backlog = outboxBacklog?.();
        if (backlog !== undefined) g.set(backlog);
      },
    );
    this.#gauge(
      'gridmark_ledger_transactions',
      'Transactions the ledger adapter has made since start, by kind (evaluate: reads; submit: writes); cache hits make none.',
      ['kind'],
      (g) => {
        const stats = ledgerStats?.();
        if (!stats) return;
        g.set({ kind: 'evaluate' }, stats.evaluations);
        g.set({ kind: 'submit' }, stats.submissions);
      },
    );
    this.#gauge('gridmark_in_flight_requests', 'HTTP requests being served now.', [], (g) => {
      g.set(inFlight?.() ?? 0);
    });
  }

  #counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #histogram(name: string, help: string, labelNames: string[]): Histogram {
    return new Histogram({
      name,
      help,
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  #gauge(name: string, help: string, labelNames: string[], collect: (gauge: Gauge) => void): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        collect(this);
      },
    });
  }
}

function errorCode(extensions: Readonly<Record<string, unknown>> | undefined): string {
  const code = extensions?.['code'];
  return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : 'INTERNAL_ERROR';
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
