import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayControl } from './gateway-control.js';
import { createGraphqlHttpHandler, sendJson, type HttpRoute } from './http/index.js';
import {
  createIdentifierResolverRoute,
  type Registry,
  type RegistryApi,
} from './registry/index.js';
import type { SubgraphSupergraphManager } from './supergraph/index.js';

/** Where the gateway publishes the public key that verifies its grants. */
export const GATEWAY_KEY_PATH = '/.well-known/gridmark/gateway-key.pem';

/** What the gateway serves beside its GraphQL endpoint. */
export interface GatewayRouteOptions {
  /** The PEM of the key that verifies the gateway's grants, when it signs any. */
  readonly publicKeyPem: string | undefined;
  readonly registry: Registry | undefined;
  readonly registryApi: RegistryApi | undefined;
  readonly manager: SubgraphSupergraphManager;
  readonly control: GatewayControl | undefined;
}

/**
 * The routes beside GraphQL: the grant key, the registry's API at `/registry` and identifier
 * resolution at `/id/<identifier>` over a registry, and `/healthz`.
 */
export function gatewayRoutes(options: GatewayRouteOptions): HttpRoute[] {
  const { registry, registryApi } = options;
  return [
    gatewayKeyRoute(options.publicKeyPem),
    ...(registry && registryApi
      ? [registryRoute(registryApi), createIdentifierResolverRoute(registry)]
      : []),
    healthRoute(options.manager, options.control),
  ];
}

/** Serves the grant key at {@link GATEWAY_KEY_PATH}. */
function gatewayKeyRoute(publicKeyPem: string | undefined): HttpRoute {
  return (_request: IncomingMessage, response: ServerResponse, url: URL) => {
    if (url.pathname !== GATEWAY_KEY_PATH || !publicKeyPem) return false;
    response.writeHead(200, {
      'content-type': 'application/x-pem-file',
      'content-length': Buffer.byteLength(publicKeyPem),
    });
    response.end(publicKeyPem);
    return true;
  };
}

/** Serves the registry's GraphQL API at `/registry`. */
function registryRoute(registryApi: RegistryApi): HttpRoute {
  const handler = createGraphqlHttpHandler({
    server: registryApi.server,
    context: (request) => registryApi.context(request),
    graphqlPaths: ['/registry'],
  });
  return (request: IncomingMessage, response: ServerResponse, url: URL) => {
    if (url.pathname !== '/registry') return false;
    handler(request, response);
    return true;
  };
}

/**
 * `/healthz`: the supergraph's status, and with access control how records reach the ledger;
 * 503 unless the supergraph serves and the ledger takes what the gateway records.
 */
function healthRoute(
  manager: SubgraphSupergraphManager,
  control: GatewayControl | undefined,
): HttpRoute {
  return (_request, response, url) => {
    if (url.pathname !== '/healthz') return false;
    const status = manager.status();
    const ledger = control?.health();
    const healthy = status.phase === 'serving' && ledger?.resolutions !== 'failing';
    sendJson(response, healthy ? 200 : 503, ledger ? { ...status, ledger } : status);
    return true;
  };
}
