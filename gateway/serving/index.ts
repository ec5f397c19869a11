/**
 * Running a gateway as a product, from its configuration: `gridmark init` makes a new gateway's
 * configuration, stores and keys once; `gridmark serve` opens exactly those (never creating or
 * seeding anything) and serves them over HTTP or HTTPS with CORS and the published grant keys.
 */
export { serveConfiguredGateway, type ConfiguredGateway } from './serve-configured-gateway.js';
export {
  initializeGateway,
  INIT_ADMIN_LABEL,
  type InitializeOptions,
  type InitializedGateway,
} from './initialize-gateway.js';
export { checkGatewayDataFiles, gatewayDataFiles } from './gateway-data-files.js';
export { createCorsRoute, CORS_ALLOWED_HEADERS, type CorsOptions } from './cors-route.js';
export { createKeySetRoute } from './key-set-route.js';
