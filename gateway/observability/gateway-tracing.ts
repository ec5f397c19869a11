import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type * as OtlpExporter from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtelResources from '@opentelemetry/resources';
import type * as TraceSdk from '@opentelemetry/sdk-trace-base';
import type { BasicTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createRequire } from 'node:module';
import type { Logger } from '../../schema/index.js';
import { OBSERVABILITY_DEFAULTS, type TracingSettings } from './observability-settings.js';
import { currentScope, runUnderSpan } from './request-scope.js';

type TraceExportModules = Readonly<{
  exporter: typeof OtlpExporter;
  resources: typeof OtelResources;
  sdk: typeof TraceSdk;
}>;

let traceExportModules: TraceExportModules | undefined;

/**
 * The OpenTelemetry SDK and OTLP exporter, loaded the first time a gateway traces: with tracing
 * off (the default) they are never loaded, which keeps a few megabytes out of the heap.
 */
function loadTraceExport(): TraceExportModules {
  if (!traceExportModules) {
    const load = createRequire(import.meta.url);
    traceExportModules = {
      exporter: load('@opentelemetry/exporter-trace-otlp-http') as TraceExportModules['exporter'],
      resources: load('@opentelemetry/resources') as TraceExportModules['resources'],
      sdk: load('@opentelemetry/sdk-trace-base') as TraceExportModules['sdk'],
    };
  }
  return traceExportModules;
}

/**
 * The gateway's spans, exported over OTLP/HTTP (JSON) to the configured collector. The provider
 * is the gateway's own, not registered globally: several gateways in one process trace apart,
 * and nothing is started when tracing is off. Parents come from the request being served (see
 * request-scope.ts), not from a global context manager.
 */
export class GatewayTracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;

  constructor(settings: TracingSettings & { readonly otlpUrl: string }, logger: Logger) {
    const { exporter: otlp, resources, sdk } = loadTraceExport();
    const exporter = reportingFailures(
      new otlp.OTLPTraceExporter({
        url: settings.otlpUrl,
        // A collector that does not answer holds up no more than this (retries included), also at stop.
        timeoutMillis: 2_000,
        ...(settings.headers ? { headers: { ...settings.headers } } : {}),
      }),
      settings.otlpUrl,
      logger,
    );
    this.#provider = new sdk.BasicTracerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': settings.serviceName ?? OBSERVABILITY_DEFAULTS.serviceName,
      }),
      spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
    });
    this.#tracer = this.#provider.getTracer('gridmark');
  }

  /** Starts a span under the current request's span (a root span outside any). */
  start(name: string, attributes?: Attributes): Span {
    const parent = currentScope()?.span;
    return this.#tracer.startSpan(
      name,
      attributes ? { attributes } : {},
      parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
    );
  }

  /** Sends the spans not yet exported and stops. */
  async shutdown(): Promise<void> {
    await this.#provider.shutdown();
  }
}

/** How often at most a failing export is logged. */
const EXPORT_FAILURE_LOG_MS = 60_000;

/**
 * The exporter, with failed exports logged (at most once a minute): OpenTelemetry reports them
 * only to its own diagnostic logger, which the gateway does not install globally.
 */
function reportingFailures(exporter: SpanExporter, url: string, logger: Logger): SpanExporter {
  let loggedAt = -Infinity;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        // 0 is ExportResultCode.SUCCESS.
        if (Number(result.code) !== 0 && Date.now() - loggedAt >= EXPORT_FAILURE_LOG_MS) {
          loggedAt = Date.now();
          logger.warn(
            `traces could not be exported to ${url}: ${result.error?.message ?? 'failed'} (${spans.length} spans dropped)`,
          );
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * Runs `work` in a span named `name` (when tracing is on), as the parent of what it starts; the
 * span records a failure as its error status.
 */
export async function inSpan<T>(
  tracing: GatewayTracing | undefined,
  name: string,
  attributes: Attributes | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracing) return work();
  const span = tracing.start(name, attributes);
  try {
    return await runUnderSpan(span, work);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's code or message. */
export function failSpan(span: Span, error: unknown): void {
  const code = (error as { code?: unknown; extensions?: { code?: unknown } } | undefined)
    ?.extensions?.code;
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: typeof code === 'string' ? code : error instanceof Error ? error.name : 'error',
  });
}
