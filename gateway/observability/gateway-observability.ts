import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { LedgerAdapter } from '../../ledger-adapter/index.js';
import type { Logger } from '../../schema/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type HttpRoute } from '../http/index.js';
import { createGatewayLogger, withRequestScope } from './gateway-logger.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { GatewayTracing, inSpan } from './gateway-tracing.js';
import { observeFetcher, observeLedger, type Instruments } from './instruments.js';
import { metricsRoute } from './metrics-route.js';
import { OBSERVABILITY_DEFAULTS, type ObservabilitySettings } from './observability-settings.js';
import { readinessRoute, type ReadinessProbes } from './readiness.js';
import { createObservabilityPlugin, traceHooks } from './request-plugins.js';
import { RequestLifecycle } from './request-lifecycle.js';

/** The settings the gateway's observability reads. */
export interface GatewayObservabilitySettings {
  readonly observability?: ObservabilitySettings;
  readonly shutdownGraceMs?: number;
  /** A logger given to the gateway: used (request ids and redaction added) instead of the logging settings. */
  readonly logger?: Logger;
}

/** What the gateway's gauges and `/readyz` read, known once its parts are built. */
export type ObservedParts = Omit<ReadinessProbes, 'draining'> & {
  readonly ledgerStats?: () => { readonly evaluations: number; readonly submissions: number };
};

/**
 * One gateway's logs, metrics, traces, readiness and shutdown, built from its settings: the
 * logger every part gets, the instruments that the gateway's hooks call (each a no-op when its
 * part is off), the routes `/metrics` and `/readyz`, and the request lifecycle that drains.
 */
export class GatewayObservability {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics | undefined;
  readonly tracing: GatewayTracing | undefined;
  readonly lifecycle: RequestLifecycle;
  readonly shutdownGraceMs: number;
  readonly #settings: ObservabilitySettings;
  #parts: ObservedParts | undefined;

  constructor(settings: GatewayObservabilitySettings) {
    const observability = settings.observability ?? {};
    this.#settings = observability;
    this.logger = settings.logger
      ? withRequestScope(settings.logger)
      : createGatewayLogger({ name: 'gateway', ...observability.logging });
    this.shutdownGraceMs = settings.shutdownGraceMs ?? OBSERVABILITY_DEFAULTS.shutdownGraceMs;
    const otlpUrl = observability.tracing?.otlpUrl;
    this.tracing = otlpUrl
      ? new GatewayTracing({ ...observability.tracing, otlpUrl }, this.logger)
      : undefined;
    this.metrics =
      (observability.metrics?.enabled ?? OBSERVABILITY_DEFAULTS.metricsEnabled)
        ? new GatewayMetrics({
            outboxBacklog: () => this.#parts?.outbox?.().backlog,
            ledgerStats: () => this.#parts?.ledgerStats?.() ?? { evaluations: 0, submissions: 0 },
            inFlight: () => this.lifecycle.inFlight,
          })
        : undefined;
    this.lifecycle = new RequestLifecycle(this.metrics, this.logger);
  }

  /** The gateway's parts, for the gauges and the readiness probes. */
  watch(parts: ObservedParts): void {
    this.#parts = parts;
  }

  get #instruments(): Instruments {
    return { metrics: this.metrics, tracing: this.tracing };
  }

  /** The plugin that records each operation (first of the gateway's own plugins). */
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    return createObservabilityPlugin<TContext>(this.tracing);
  }

  /** Plugins whose operation hooks are traced as `<name>.check` and `<name>.settle`. */
  traced<TContext extends BaseContext>(
    plugins: readonly ApolloServerPlugin<TContext>[],
    names: readonly string[],
  ): ApolloServerPlugin<TContext>[] {
    return plugins.map((p, i) => traceHooks(names[i] ?? `gridmark.plugin${i}`, p, this.tracing));
  }

  /** A business system's fetcher, counted, timed and traced. */
  fetcher(system: string, fetcher: Fetcher): Fetcher {
    return observeFetcher(system, fetcher, this.#instruments);
  }

  /** The ledger adapter, its calls counted, timed and traced. */
  ledger(ledger: LedgerAdapter): LedgerAdapter {
    return observeLedger(ledger, this.#instruments);
  }

  /** `verify` of a subgraph guard, traced as `gridmark.verification`. */
  guard<T extends { verify(system: string, ...rest: never[]): Promise<unknown> }>(
    guard: T | undefined,
  ): T | undefined {
    const tracing = this.tracing;
    if (!guard || !tracing) return guard;
    const verify = guard.verify.bind(guard) as (...args: unknown[]) => Promise<unknown>;
    const traced = (system: string, ...rest: unknown[]): Promise<unknown> =>
      inSpan(tracing, 'gridmark.verification', { 'gridmark.system': system }, () =>
        verify(system, ...rest),
      );
    // A proxy, not a prototype: the guard's methods read its private fields, so they run on it.
    return new Proxy(guard, {
      get(target, property) {
        if (property === 'verify') return traced;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }

  /**
   * A request listener with the request lifecycle (ids, scope, metrics, drain) and `/metrics`
   * and `/readyz` in front of the gateway's own `handler`.
   */
  listener(
    handler: (request: IncomingMessage, response: ServerResponse) => void,
  ): (request: IncomingMessage, response: ServerResponse) => void {
    const routes = this.routes();
    this.metrics?.collectProcessMetrics();
    return this.lifecycle.observe((request, response) => {
      const path = (request.url ?? '/').split('?', 1)[0];
      if (path !== '/metrics' && path !== '/readyz') return handler(request, response);
      const url = new URL(request.url ?? '/', 'http://localhost');
      void (async () => {
        for (const route of routes) if (await route(request, response, url)) return;
        handler(request, response);
      })().catch((error: unknown) => {
        this.logger.error(`${path} failed: ${String(error)}`);
        if (!response.headersSent)
          sendJson(response, 500, {
            errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_ERROR' } }],
          });
        else response.destroy();
      });
    });
  }

  /** `/metrics` (when on) and `/readyz`. */
  routes(): HttpRoute[] {
    const parts = this.#parts;
    const readiness = this.#settings.readiness ?? {};
    return [
      ...(this.metrics ? [metricsRoute(this.metrics)] : []),
      readinessRoute({
        probes: {
          supergraph: () => parts?.supergraph() ?? 'starting',
          ...parts,
          draining: () => this.lifecycle.draining,
        },
        maxLedgerBacklog: readiness.maxLedgerBacklog ?? OBSERVABILITY_DEFAULTS.maxLedgerBacklog,
        probeTimeoutMs: readiness.probeTimeoutMs ?? OBSERVABILITY_DEFAULTS.probeTimeoutMs,
      }),
    ];
  }

  /**
   * Refuses new requests and waits for those in flight, up to `shutdownGraceMs`; then the
   * connections of requests still running are closed (`server`), so that the stop ends.
   */
  async drain(server?: { closeAllConnections(): void }): Promise<void> {
    const left = await this.lifecycle.drain(this.shutdownGraceMs);
    if (left === 0) return;
    this.logger.warn(
      `${left} requests still in flight after ${this.shutdownGraceMs} ms; closing their connections`,
    );
    server?.closeAllConnections();
  }

  /** Exports the spans not yet sent. */
  async shutdown(): Promise<void> {
    await this.tracing
      ?.shutdown()
      .catch((error: unknown) =>
        this.logger.warn(`traces could not be exported at stop: ${String(error)}`),
      );
  }
}
