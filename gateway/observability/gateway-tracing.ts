import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OBSERVABILITY_DEFAULTS, type TracingSettings } from './observability-settings.js';
import { currentScope, runUnderSpan } from './request-scope.js';

/**
 * The gateway's spans, exported over OTLP/HTTP (JSON) to the configured collector. The provider
 * is the gateway's own, not registered globally: several gateways in one process trace apart,
 * and nothing is started when tracing is off. Parents come from the request being served (see
 * request-scope.ts), not from a global context manager.
 */
export class GatewayTracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;

  constructor(settings: TracingSettings & { readonly otlpUrl: string }) {
    const exporter = new OTLPTraceExporter({
      url: settings.otlpUrl,
      ...(settings.headers ? { headers: { ...settings.headers } } : {}),
    });
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': settings.serviceName ?? OBSERVABILITY_DEFAULTS.serviceName,
      }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
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
