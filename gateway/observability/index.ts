/**
 * The gateway's observability: structured logs with request ids and no secrets, Prometheus
 * metrics at `/metrics`, OpenTelemetry traces over OTLP when configured, `/readyz`, and the
 * request lifecycle that drains in-flight queries at shutdown. Imports the schema's, the ledger
 * adapter's and http's doors.
 */
export {
  GatewayObservability,
  type GatewayObservabilitySettings,
  type ObservedParts,
} from './gateway-observability.js';
export { observedParts, type GatewayPartsToObserve } from './observed-parts.js';
export {
  createGatewayLogger,
  withRequestScope,
  type GatewayLoggerOptions,
} from './gateway-logger.js';
export { GatewayMetrics } from './gateway-metrics.js';
export {
  OBSERVABILITY_DEFAULTS,
  type LoggingSettings,
  type MetricsSettings,
  type ObservabilitySettings,
  type ReadinessSettings,
  type TracingSettings,
} from './observability-settings.js';
export { REQUEST_ID_HEADER, requestIdFrom } from './request-scope.js';
export { REDACTED, redactSecrets } from './secret-redaction.js';
