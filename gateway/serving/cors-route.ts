import type { HttpRoute } from '../http/index.js';

/** Request headers a browser application may send cross-origin. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-gridmark-function',
  'x-gridmark-role',
  'x-gridmark-quote',
  'x-request-id',
] as const;

/** How long a browser may remember a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE_S = 600;

/** Options of {@link createCorsRoute}. */
export interface CorsOptions {
  /** Allowed origins (`https://app.example.com`), or `*` for any. */
  readonly origins: readonly string[];
  /** The paths it answers for: the GraphQL endpoint's and the registry's. */
  readonly paths: readonly string[];
}

/**
 * Cross-origin access to the gateway's GraphQL endpoint and registry API, for the configured
 * origins only. A preflight (`OPTIONS` with `Access-Control-Request-Method`) on those paths is
 * answered 204 here: with `Access-Control-Allow-*` headers for an allowed origin, without any for
 * another (the browser then refuses the call). Other requests from an allowed origin get
 * `Access-Control-Allow-Origin` and go on to the gateway. No credentials (cookies) are allowed:
 * applications send their key in `Authorization`.
 */
export function createCorsRoute(options: CorsOptions): HttpRoute {
  const paths = new Set(options.paths);
  const any = options.origins.includes('*');
  const origins = new Set(options.origins);
  return (request, response, url) => {
    const origin = request.headers.origin;
    if (!paths.has(url.pathname) || origin === undefined) return false;
    response.setHeader('vary', 'Origin');
    const allowed = any || origins.has(origin);
    if (allowed) response.setHeader('access-control-allow-origin', any ? '*' : origin);
    const preflight =
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-method'] !== undefined;
    if (!preflight) return false;
    if (allowed) {
      response.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      response.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
      response.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_S));
    }
    response.writeHead(204, { 'content-length': '0' });
    response.end();
    return true;
  };
}
