import type { HttpRoute } from '../http/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/** `/metrics`: the gateway's metrics in Prometheus' text format. */
export function metricsRoute(metrics: GatewayMetrics): HttpRoute {
  return async (request, response, url) => {
    if (url.pathname !== '/metrics') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const { contentType, body } = await metrics.text();
    response.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}
