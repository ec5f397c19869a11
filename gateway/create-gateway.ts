import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Fetcher } from '@apollo/utils.fetcher';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  openLedgerOutbox,
  type LedgerAdapter,
  type LedgerOutbox,
} from '../ledger-adapter/index.js';
import { createConsoleLogger, type Logger } from '../schema/index.js';
import {
  createAccessPlugin,
  createFieldDirectory,
  createOperationGate,
  createOperationLimitGuards,
  createResolutionRecorder,
  createSubgraphGuard,
  operationLimits,
  queriesOnlyRule,
  type GatewayContext,
  type OperationLimits,
} from './access/index.js';
import {
  BILLING_TYPE_DEFS,
  createBilling,
  createBillingPlugin,
  createBillingResolvers,
  type BillingStore,
  type Tariff,
} from './billing/index.js';
import {
  CATALOG_SUBGRAPH,
  CatalogDataSource,
  createCatalogSchema,
  type DeviceDirectory,
} from './catalog/index.js';
import { createErrorFormatter } from './error-formatting.js';
import {
  answerClientError,
  createGraphqlHttpHandler,
  createSubgraphFetcher,
  sendJson,
  stringifyAsciiJson,
} from './http/index.js';
import {
  createIdentifierResolverRoute,
  createRegistryApi,
  type Registry,
} from './registry/index.js';
import { SystemDataSource } from './system-data-source.js';
import {
  createSubgraphSupergraphManager,
  type SubgraphSource,
  type SubgraphSupergraphManager,
  type SupergraphStatus,
} from './supergraph/index.js';

/** A business system the gateway composes. */
export interface SystemEndpoint {
  readonly name: string;
  readonly url: string;
  /** How to reach it; by default over HTTP. The test network routes in-process. */
  readonly fetcher?: Fetcher;
  /** Its SDL when known up front (in-process subgraphs); otherwise read from `_service { sdl }`. */
  readonly sdl?: string;
}

/**
 * Where the gateway learns its business systems: a fixed list with a device directory, or the
 * identifier registry, whose active systems it follows live and which also serves `/registry`
 * and `/id/<identifier>`.
 */
export type GatewayTopology =
  | {
      readonly systems: readonly SystemEndpoint[];
      readonly directory: DeviceDirectory;
      readonly registry?: undefined;
      readonly access?: undefined;
    }
  | {
      readonly registry: Registry;
      readonly systems?: undefined;
      readonly directory?: undefined;
      readonly access?: GatewayAccess;
    };

/**
 * Field-level access control: the ledger that holds the parsing rules and hash records, and the
 * gateway's Ed25519 key that signs grants (business systems hold its public key). With it, no
 * business-system field is released that the rules do not allow and the ledger does not vouch for.
 */
export interface GatewayAccess {
  readonly ledger: LedgerAdapter;
  readonly signingKey: KeyObject;
  /**
   * The durable outbox through which resolutions, trades and tamper reports reach the ledger,
   * shared with the registry (its evidence goes the same way). Without one, the gateway keeps an
   * outbox in memory, which a crash loses: for tests only. `npm start` opens one beside the ledger.
   */
  readonly outbox?: LedgerOutbox;
  /** Per-use charging: without it, released values are free. */
  readonly billing?: GatewayBilling;
}

/** The billing book and the platform's fees; queries are then paid for, and traded on the ledger. */
export interface GatewayBilling {
  readonly store: BillingStore;
  readonly tariff: Tariff;
  /** How long a response waits for its trade's ledger receipt (default 2 s). */
  readonly receiptTimeoutMs?: number;
}

/** Options of {@link createGateway}. */
export type GatewayOptions = GatewayTopology & GatewaySettings;

/** Settings of the gateway, whatever its topology. */
export interface GatewaySettings {
  /** `development` serves Apollo Sandbox and introspection; `production` serves neither. */
  readonly mode?: 'development' | 'production';
  /** Re-read subgraph SDLs this often and recompose on change; 0 disables. */
  readonly pollIntervalMs?: number;
  readonly startupTimeoutMs?: number;
  /** Deadline of one subgraph request. */
  readonly subgraphTimeoutMs?: number;
  readonly maxDevicesPerQuery?: number;
  /**
   * How large one operation may be: tokens, aliases, depth, fields and (with access control)
   * distinct devices; each checked before anything runs or is queued (`QUERY_TOO_COMPLEX`,
   * `TOO_MANY_DEVICES`). Unset limits keep their defaults (`DEFAULT_OPERATION_LIMITS`).
   */
  readonly limits?: Partial<OperationLimits>;
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
  readonly errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
  readonly extensions?: Record<string, unknown>;
}

/** The aggregation gateway. */
export interface Gateway {
  /** Composes the supergraph and gets ready to serve. */
  start(): Promise<void>;
  /** Runs one operation in-process, through the same pipeline and error formatting as HTTP; `headers` as a client would send them. */
  execute(
    request: GraphqlRequest,
    headers?: Readonly<Record<string, string>>,
  ): Promise<GraphqlResponse>;
  /** Serves HTTP on `port` (0 picks a free one); resolves with the URL. */
  listen(port: number, host?: string): Promise<string>;
  status(): SupergraphStatus;
  stop(): Promise<void>;
}

/** Where the gateway publishes the public key that verifies its grants. */
export const GATEWAY_KEY_PATH = '/.well-known/gridmark/gateway-key.pem';

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

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
  const mode =
    options.mode ?? (process.env['NODE_ENV'] === 'production' ? 'production' : 'development');
  const limits = operationLimits(options.limits);
  const limitGuards = createOperationLimitGuards(limits);
  const registry = options.registry;
  const directory = registry ?? options.directory;
  const catalog = createCatalogSchema(
    directory,
    options.maxDevicesPerQuery === undefined
      ? {}
      : { maxDevicesPerQuery: options.maxDevicesPerQuery },
  );
  const catalogSource: SubgraphSource = {
    kind: 'aggregator',
    name: CATALOG_SUBGRAPH,
    url: 'gridmark://catalog',
    sdl: catalog.sdl,
  };
  // One for the life of the gateway: its remembered documents outlive recompositions.
  const catalogData = new CatalogDataSource(catalog.schema);
  const byName = new Map((options.systems ?? []).map((s) => [s.name, s]));
  // Field-level access control: only over a registry, whose fields and applications it checks against.
  const control =
    registry && options.access
      ? (() => {
          const { ledger, signingKey } = options.access;
          const fields = createFieldDirectory(registry);
          // Without an outbox given, one in memory that this gateway owns and closes.
          const outbox: LedgerOutbox =
            options.access.outbox ?? openLedgerOutbox({ ledger, logger });
          const ownOutbox = outbox === options.access.outbox ? undefined : outbox;
          const recorder = createResolutionRecorder(outbox);
          const billingOptions = options.access.billing;
          const billing = billingOptions
            ? createBilling({
                store: billingOptions.store,
                tariff: billingOptions.tariff,
                ledger,
                registry,
                fields,
                outbox,
                logger,
              })
            : undefined;
          return {
            billing,
            billingPlugin: billing
              ? createBillingPlugin({
                  billing,
                  ...(billingOptions?.receiptTimeoutMs === undefined
                    ? {}
                    : { receiptTimeoutMs: billingOptions.receiptTimeoutMs }),
                })
              : undefined,
            fields,
            outbox,
            ownOutbox,
            signingKey,
            guard: createSubgraphGuard({ signingKey, fields, ledger, registry, logger, outbox }),
            plugin: createAccessPlugin({
              registry,
              ledger,
              recorder,
              fields,
              logger,
              maxDevices: limits.maxDevices,
            }),
          };
        })()
      : undefined;
  const guard = control?.guard;
  const staticSources: SubgraphSource[] = (options.systems ?? []).map((s) =>
    s.sdl === undefined
      ? { kind: 'remote', name: s.name, url: s.url }
      : { kind: 'static', name: s.name, url: s.url, sdl: s.sdl },
  );
  const manager: SubgraphSupergraphManager = createSubgraphSupergraphManager({
    sources: registry
      ? async () => [
          catalogSource,
          ...(await registry.activeSubgraphs()).map((s): SubgraphSource => ({
            kind: 'remote',
            name: s.name,
            url: s.url,
            fallbackSdl: s.sdl,
            registeredFields: s.fields,
          })),
        ]
      : [catalogSource, ...staticSources],
    pollIntervalMs: options.pollIntervalMs ?? 0,
    startupTimeoutMs: options.startupTimeoutMs ?? 10_000,
    // A registry's systems are read through its guard, as at registration.
    ...(registry ? { outbound: registry.outbound } : {}),
    logger,
  });
  // Apollo Gateway reports usage metrics to Apollo unless told not to. An aggregator's traffic is
  // nobody else's business (and its networks are often closed), so gridmark opts out unless the
  // operator has set the variable explicitly.
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= 'true';
  const fetcher = createSubgraphFetcher({
    timeoutMs: options.subgraphTimeoutMs ?? 5_000,
    ...(registry ? { lookup: registry.outbound.lookup } : {}),
  });
  const gateway = new ApolloGateway({
    supergraphSdl: manager,
    logger,
    buildService: ({ name, url }) => {
      if (name === CATALOG_SUBGRAPH) return catalogData;
      const system = byName.get(name);
      return new SystemDataSource({
        name,
        url: url ?? system?.url ?? '',
        logger,
        fetcher: system?.fetcher ?? fetcher,
        ownedFields: () => manager.ownedFields(name),
        ...(guard ? { guard } : {}),
      });
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
    // Receipts make responses large; ASCII JSON keeps their encoding for the socket cheap.
    stringifyResult: stringifyAsciiJson,
    parseOptions: limitGuards.parseOptions,
    validationRules: [queriesOnlyRule, ...limitGuards.validationRules],
    plugins: [
      // First: a document that does not resolve to one operation is refused before any other hook.
      createOperationGate(),
      limitGuards.plugin,
      mode === 'development'
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      // The access check resolves the operation; billing prices and charges it, so it comes second.
      ...(control ? [control.plugin] : []),
      ...(control?.billingPlugin ? [control.billingPlugin] : []),
    ],
  });
  const createContext = (headers: (name: string) => string | undefined): Promise<GatewayContext> =>
    Promise.resolve({ ...catalog.createContext(), headers });
  const publicKeyPem = control
    ? createPublicKey(control.signingKey).export({ type: 'spki', format: 'pem' }).toString()
    : undefined;
  const registryApi = registry
    ? createRegistryApi(registry, {
        mode,
        logger,
        extensions: control?.billing
          ? [{ typeDefs: BILLING_TYPE_DEFS, resolvers: createBillingResolvers(control.billing) }]
          : [],
      })
    : undefined;
  // A registration, suspension or revocation reaches the live supergraph at once, not at the next poll.
  const unsubscribe = registry?.onSystemsChanged(() => void manager.refresh());
  let http: Server | undefined;

  return {
    async start() {
      await control?.fields.reload();
      await control?.billing?.start();
      await server.start();
      await registryApi?.server.start();
    },
    status: () => manager.status(),
    async execute(request, headers = {}) {
      const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const response = await server.executeOperation(
        {
          query: request.query,
          ...(request.variables ? { variables: request.variables } : {}),
          ...(request.operationName ? { operationName: request.operationName } : {}),
        },
        { contextValue: await createContext((name) => lower.get(name)) },
      );
      if (response.body.kind !== 'single')
        throw new Error('incremental delivery is not supported in-process');
      return response.body.singleResult;
    },
    listen(port, host = '127.0.0.1') {
      const registryHandler = registryApi
        ? createGraphqlHttpHandler({
            server: registryApi.server,
            context: (request) => registryApi.context(request),
            graphqlPaths: ['/registry'],
          })
        : undefined;
      const handler = createGraphqlHttpHandler({
        server,
        context: (request) => createContext((name) => headerValue(request.headers[name])),
        routes: [
          (_request: IncomingMessage, response: ServerResponse, url: URL) => {
            if (url.pathname !== GATEWAY_KEY_PATH || !publicKeyPem) return false;
            response.writeHead(200, {
              'content-type': 'application/x-pem-file',
              'content-length': Buffer.byteLength(publicKeyPem),
            });
            response.end(publicKeyPem);
            return true;
          },
          ...(registry && registryHandler
            ? [
                (request: IncomingMessage, response: ServerResponse, url: URL) => {
                  if (url.pathname !== '/registry') return false;
                  registryHandler(request, response);
                  return true;
                },
                createIdentifierResolverRoute(registry),
              ]
            : []),
          (request, response, url) => {
            if (url.pathname !== '/healthz') return false;
            const status = manager.status();
            // Serving means releasing data: not while the outbox cannot reach the ledger (resolutions and trades both go through it).
            const recording = control
              ? control.outbox.healthy()
                ? 'recording'
                : 'failing'
              : undefined;
            const ledger =
              control && recording
                ? {
                    resolutions: recording,
                    trades: control.billing ? recording : 'off',
                    outboxBacklog: control.outbox.backlog,
                  }
                : undefined;
            const healthy = status.phase === 'serving' && recording !== 'failing';
            sendJson(response, healthy ? 200 : 503, ledger ? { ...status, ledger } : status);
            return true;
          },
        ],
      });
      http = createServer(handler);
      http.on('clientError', answerClientError);
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
      unsubscribe?.();
      control?.fields.close();
      if (http) {
        const closing = new Promise<void>((resolve) => http?.close(() => resolve()));
        http.closeIdleConnections();
        await closing;
      }
      await server.stop();
      await registryApi?.server.stop();
      // What this gateway appended reaches the ledger now if it can; what cannot waits in the outbox for the next start.
      await control?.billing?.stop();
      await control?.outbox
        .flush(5_000, { giveUpWhenFailing: true })
        .catch((error: unknown) =>
          logger.warn(`records still wait for the ledger at stop: ${String(error)}`),
        );
      await control?.ownOutbox?.close();
      fetcher.close();
    },
  };
}
