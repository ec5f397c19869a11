import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createPublicKey } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { GatewayContext } from './access/index.js';
import type { GatewayControl } from './gateway-control.js';
import type { GatewayObservability } from './observability/index.js';
import type { Gateway, GatewayTls, GraphqlRequest, GraphqlResponse } from './gateway-options.js';
import { gatewayRoutes } from './gateway-routes.js';
import { answerClientError, createGraphqlHttpHandler, type HttpRoute } from './http/index.js';
import type { Registry, RegistryApi } from './registry/index.js';
import type { SubgraphSupergraphManager, SupergraphStatus } from './supergraph/index.js';

/** The parts an {@link AggregationGateway} runs, built by `createGateway`. */
export interface GatewayParts {
  readonly server: ApolloServer<GatewayContext>;
  readonly manager: SubgraphSupergraphManager;
  /** A fresh catalog context (its per-request loader) for each operation. */
  readonly catalogContext: () => object;
  readonly control: GatewayControl | undefined;
  readonly registry: Registry | undefined;
  readonly registryApi: RegistryApi | undefined;
  /** The subgraph fetcher, whose connections close at stop. */
  readonly fetcher: { close(): void };
  /** Request ids, metrics, traces, `/metrics` and `/readyz`, and the drain at stop. */
  readonly observability?: GatewayObservability;
  /** Routes served before the gateway's own. */
  readonly routes?: readonly HttpRoute[];
  /** With it, `listen` serves HTTPS. */
  readonly tls?: GatewayTls | undefined;
}

/**
 * The aggregation gateway's lifecycle over its parts: start in order, run operations in-process
 * or over HTTP, and stop in order, leaving what the ledger has not yet taken in the outbox.
 */
export class AggregationGateway implements Gateway {
  readonly #parts: GatewayParts;
  readonly #publicKeyPem: string | undefined;
  readonly #unsubscribe: (() => void) | undefined;
  #http: Server | undefined;

  constructor(parts: GatewayParts) {
    this.#parts = parts;
    this.#publicKeyPem = parts.control
      ? createPublicKey(parts.control.signingKey).export({ type: 'spki', format: 'pem' }).toString()
      : undefined;
    // A registration, suspension or revocation reaches the live supergraph at once, not at the next poll.
    this.#unsubscribe = parts.registry?.onSystemsChanged(() => void parts.manager.refresh());
  }

  async start(): Promise<void> {
    await this.#parts.control?.start();
    await this.#parts.server.start();
    await this.#parts.registryApi?.server.start();
  }

  status(): SupergraphStatus {
    return this.#parts.manager.status();
  }

  async execute(
    request: GraphqlRequest,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<GraphqlResponse> {
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const response = await this.#parts.server.executeOperation(
      {
        query: request.query,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.operationName ? { operationName: request.operationName } : {}),
      },
      { contextValue: await this.#context((name) => lower.get(name)) },
    );
    if (response.body.kind !== 'single')
      throw new Error('incremental delivery is not supported in-process');
    return response.body.singleResult;
  }

  listen(port: number, host = '127.0.0.1'): Promise<string> {
    const { server, manager, control, registry, registryApi } = this.#parts;
    const gatewayHandler = createGraphqlHttpHandler({
      server,
      context: (request: IncomingMessage) =>
        this.#context((name) => headerValue(request.headers[name])),
      routes: [
        ...(this.#parts.routes ?? []),
        ...gatewayRoutes({
          publicKeyPem: this.#publicKeyPem,
          registry,
          registryApi,
          manager,
          control,
        }),
      ],
    });
    const handler = this.#observe(gatewayHandler);
    const tls = this.#parts.tls;
    const http = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler)
      : createServer(handler);
    this.#http = http;
    http.on('clientError', answerClientError);
    http.keepAliveTimeout = 65_000;
    return new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        const address = http.address() as AddressInfo;
        resolve(
          `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}/`,
        );
      });
    });
  }

  async stop(): Promise<void> {
    const { server, control, registryApi, fetcher } = this.#parts;
    // New requests are refused and /readyz says so at once; those in flight finish first.
    await this.#parts.observability?.drain(this.#http);
    this.#unsubscribe?.();
    control?.closeFields();
    await this.#closeHttp();
    await server.stop();
    await registryApi?.server.stop();
    await control?.stop();
    fetcher.close();
    await this.#parts.observability?.shutdown();
  }

  /** The listener with observability in front (request ids, probes, drain), when there is one. */
  #observe(
    handler: (request: IncomingMessage, response: ServerResponse) => void,
  ): (request: IncomingMessage, response: ServerResponse) => void {
    return this.#parts.observability?.listener(handler) ?? handler;
  }

  #context(headers: (name: string) => string | undefined): Promise<GatewayContext> {
    return Promise.resolve({ ...this.#parts.catalogContext(), headers });
  }

  async #closeHttp(): Promise<void> {
    const http = this.#http;
    if (!http) return;
    const closing = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await closing;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
