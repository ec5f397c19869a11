import type { Fetcher } from '@apollo/utils.fetcher';
import type { LedgerAdapter } from '../../ledger-adapter/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { failSpan, inSpan, type GatewayTracing } from './gateway-tracing.js';

/** What the instruments report to: metrics, traces, either or neither. */
export interface Instruments {
  readonly metrics: GatewayMetrics | undefined;
  readonly tracing: GatewayTracing | undefined;
}

/**
 * A business system's fetcher that counts and times each request (`gridmark_subgraph_…`) and
 * traces it as `gridmark.subgraph.fetch`. The request itself is unchanged.
 */
export function observeFetcher(
  system: string,
  fetcher: Fetcher,
  instruments: Instruments,
): Fetcher {
  const { metrics, tracing } = instruments;
  if (!metrics && !tracing) return fetcher;
  return async (url, init) => {
    const started = process.hrtime.bigint();
    const span = tracing?.start('gridmark.subgraph.fetch', { 'gridmark.system': system });
    try {
      const response = await fetcher(url, init);
      span?.setAttribute('http.response.status_code', response.status);
      metrics?.subgraphCall(system, response.ok ? 'ok' : 'http_error', secondsSince(started));
      return response;
    } catch (error) {
      if (span) failSpan(span, error);
      metrics?.subgraphCall(system, 'failed', secondsSince(started));
      throw error;
    } finally {
      span?.end();
    }
  };
}

const CACHED_READS = new Set([
  'getFields',
  'getCatalogEntries',
  'getParsingRule',
  'getAnchor',
  'getAnchors',
]);
const NOT_CALLS = new Set(['stats', 'close', 'start', 'constructor', 'then']);

/**
 * The ledger adapter, with each call counted, timed and traced (`gridmark.ledger.<method>`).
 * A cached read counts as a cache hit when the adapter made no ledger transaction while it ran;
 * reads that overlap another's miss count as misses, so the hit ratio is a lower bound.
 */
export function observeLedger(ledger: LedgerAdapter, instruments: Instruments): LedgerAdapter {
  const { metrics, tracing } = instruments;
  if (!metrics && !tracing) return ledger;
  return new Proxy(ledger, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string' || typeof value !== 'function' || NOT_CALLS.has(property))
        return value;
      const method = property;
      const kind = method.startsWith('get') ? 'read' : 'write';
      return (...args: unknown[]): Promise<unknown> => {
        const started = process.hrtime.bigint();
        const before = target.stats.evaluations;
        const call = (): Promise<unknown> =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const ended = (ok: boolean): void =>
          metrics?.ledgerCall(
            method,
            kind,
            ok,
            secondsSince(started),
            ok && CACHED_READS.has(method) ? target.stats.evaluations === before : undefined,
          );
        return inSpan(
          tracing,
          `gridmark.ledger.${method}`,
          { 'gridmark.ledger.kind': kind },
          call,
        ).then(
          (result) => {
            ended(true);
            return result;
          },
          (error: unknown) => {
            ended(false);
            throw error;
          },
        );
      };
    },
  });
}

/** Seconds since a `process.hrtime.bigint()` reading. */
export function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
