import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Fetcher } from '@apollo/utils.fetcher';
import { createConsoleLogger, type Logger } from '../schema/index.js';
import { CATALOG_SUBGRAPH, createCatalogSchema } from './catalog/catalog-subgraph.js';
import type { DeviceDirectory } from './catalog/device-directory.js';
import { createErrorFormatter } from './error-formatting.js';
import { createGraphqlHttpHandler, sendJson } from './http/graphql-http-handler.js';
import { SystemDataSource } from './system-data-source.js';
import {
  createSubgraphSupergraphManager,
  type SubgraphSupergraphManager,
  type SupergraphStatus,
} from './supergraph/subgraph-supergraph-manager.js';

/** A business system the gateway composes. */
export interface SystemEndpoint {
  readonly name: string;
  readonly url: string;
  /** How to reach it; by default over HTTP. The test network routes in-process. */
  readonly fetcher?: Fetcher;
  /** Its SDL when known up front (in-process subgraphs); otherwise read from `_service { sdl }`. */
  readonly sdl?: string;
}

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  readonly systems: readonly SystemEndpoint[];
  /** The aggregator's device directory behind `device(id)` and `devices(ids)`. */
  readonly directory: DeviceDirectory;
  /** `development` serves Apollo Sandbox and introspection; `production` serves neither. */
  readonly mode?: 'development' | 'production';
  /** Re-read subgraph SDLs this often and recompose on change; 0 disables. */
  readonly pollIntervalMs?: number;
  readonly startupTimeoutMs?: number;
  /** Deadline of one subgraph request. */
  readonly subgraphTimeoutMs?: number;
  readonly maxDevicesPerQuery?: number;
  readonly logger?: Logger;
}

/** One GraphQL request, for in-process execution. */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/** A GraphQL response as a client receives it. */
export interface GraphqlResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
  readonly extensions?: Record<string, unknown>;
}

/** The aggregation gateway. */
export interface Gateway {
  /** Composes the supergraph and gets ready to serve. */
  start(): Promise<void>;
  /** Runs one operation in-process, through the same pipeline and error formatting as HTTP. */
  execute(request: GraphqlRequest): Promise<GraphqlResponse>;
  /** Serves HTTP on `port` (0 picks a free one); resolves with the URL. */
  listen(port: number, host?: string): Promise<string>;
  status(): SupergraphStatus;
  stop(): Promise<void>;
}

type GatewayContext = Record<string, unknown>;

/**
 * Builds the aggregation gateway: Apollo Gateway over the business systems' subgraphs plus the
 * aggregator's own catalog subgraph, served by Apollo Server.
 *
 * @example
 * const gateway = createGateway({ systems: [{ name: 'asset', url: 'http://localhost:4005/' }], directory });
 * await gateway.start();
 * console.log(await gateway.listen(4000));
 */
export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger ?? createConsoleLogger('gateway');
  const mode = options.mode ?? (process.env['NODE_ENV'] === 'production' ? 'production' : 'development');
  const catalog = createCatalogSchema(options.directory, options.maxDevicesPerQuery === undefined ? {} : { maxDevicesPerQuery: options.maxDevicesPerQuery });
  const catalogUrl = 'gridmark://catalog';
  const byName = new Map(options.systems.map((s) => [s.name, s]));
  const manager: SubgraphSupergraphManager = createSubgraphSupergraphManager({
    sources: [
      { kind: 'static', name: CATALOG_SUBGRAPH, url: catalogUrl, sdl: catalog.sdl },
      ...options.systems.map((s) => (s.sdl === undefined ? { kind: 'remote' as const, name: s.name, url: s.url } : { kind: 'static' as const, name: s.name, url: s.url, sdl: s.sdl })),
    ],
    pollIntervalMs: options.pollIntervalMs ?? 0,
    startupTimeoutMs: options.startupTimeoutMs ?? 10_000,
    logger,
  });
  // Apollo Gateway reports usage metrics to Apollo unless told not to. An aggregator's traffic is
  // nobody else's business (and its networks are often closed), so gridmark opts out unless the
  // operator has set the variable explicitly.
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: manager,
    logger,
    buildService: ({ name, url }) => {
      if (name === CATALOG_SUBGRAPH) return new LocalGraphQLDataSource(catalog.schema);
      const system = byName.get(name);
      return new SystemDataSource({ name, url: url ?? system?.url ?? '', timeoutMs: options.subgraphTimeoutMs ?? 5_000, logger, ...(system?.fetcher ? { fetcher: system.fetcher } : {}) });
    },
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    introspection: mode === 'development',
    // The process that embeds the server owns its signals and shuts down in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    plugins: [mode === 'development' ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) : ApolloServerPluginLandingPageDisabled()],
  });
  const createContext = (): Promise<GatewayContext> => Promise.resolve({ ...catalog.createContext() });
  let http: Server | undefined;

  return {
    start: () => server.start(),
    status: () => manager.status(),
    async execute(request) {
      const response = await server.executeOperation(
        { query: request.query, ...(request.variables ? { variables: request.variables } : {}), ...(request.operationName ? { operationName: request.operationName } : {}) },
        { contextValue: await createContext() },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported in-process');
      return response.body.singleResult;
    },
    listen(port, host = '127.0.0.1') {
      const handler = createGraphqlHttpHandler({
        server,
        context: createContext,
        routes: [
          (request, response, url) => {
            if (url.pathname !== '/healthz') return false;
            const status = manager.status();
            sendJson(response, status.phase === 'serving' ? 200 : 503, status);
            return true;
          },
        ],
      });
      http = createServer(handler);
      http.keepAliveTimeout = 65_000;
      return new Promise((resolve, reject) => {
        http?.once('error', reject);
        http?.listen(port, host, () => {
          const address = http?.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`);
        });
      });
    },
    async stop() {
      if (http) {
        const closing = new Promise<void>((resolve) => http?.close(() => resolve()));
        http.closeIdleConnections();
        await closing;
      }
      await server.stop();
    },
  };
}
