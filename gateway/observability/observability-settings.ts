import type { LogLevel } from '../../schema/index.js';

/** How the gateway writes its log lines. */
export interface LoggingSettings {
  /** `json`: one JSON object per line (pino); `pretty`: one readable line per message. Default `pretty`. */
  readonly format?: 'json' | 'pretty';
  /** The lowest level written; default `info` (or `GRIDMARK_LOG_LEVEL`). */
  readonly level?: LogLevel;
  /** Where JSON lines go (default standard error). Programmatic only: tests capture lines here. */
  readonly destination?: NodeJS.WritableStream;
}

/** Prometheus metrics at `/metrics`. */
export interface MetricsSettings {
  /** Default true: one registry per gateway, served at `/metrics`. */
  readonly enabled?: boolean;
}

/** OpenTelemetry traces: off unless `otlpUrl` is set. */
export interface TracingSettings {
  /** The OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`; unset: no tracing. */
  readonly otlpUrl?: string;
  /** `service.name` of the spans; default `gridmark-gateway`. */
  readonly serviceName?: string;
  /** Headers sent with every export (e.g. a collector's token). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What `/readyz` asks of the gateway's parts. */
export interface ReadinessSettings {
  /** Not ready while more records than this wait in the ledger outbox; default 10 000. */
  readonly maxLedgerBacklog?: number;
  /** How long each probe (registry store, billing book, ledger) may take; default 1 000 ms. */
  readonly probeTimeoutMs?: number;
}

/** The gateway's logs, metrics, traces and readiness. */
export interface ObservabilitySettings {
  readonly logging?: LoggingSettings;
  readonly metrics?: MetricsSettings;
  readonly tracing?: TracingSettings;
  readonly readiness?: ReadinessSettings;
}

/** Defaults of {@link ObservabilitySettings} and of the gateway's shutdown. */
export const OBSERVABILITY_DEFAULTS = {
  logFormat: 'pretty',
  metricsEnabled: true,
  serviceName: 'gridmark-gateway',
  maxLedgerBacklog: 10_000,
  probeTimeoutMs: 1_000,
  shutdownGraceMs: 10_000,
} as const;
