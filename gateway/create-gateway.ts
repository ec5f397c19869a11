import { createOperationLimitGuards, operationLimits } from './access/index.js';
import { AggregationGateway } from './aggregation-gateway.js';
import { BILLING_TYPE_DEFS, createBillingResolvers } from './billing/index.js';
import { CatalogDataSource, createCatalogSchema } from './catalog/index.js';
import { explorerRoutes, resolveExplorerMode } from './explorer/index.js';
import { GatewayControl } from './gateway-control.js';
import type { Gateway, GatewayOptions } from './gateway-options.js';
import { buildApolloGateway, buildApolloServer } from './gateway-server.js';
import { createOperationCaches } from './operation-caches.js';
import { catalogSource, followSubgraphs } from './gateway-supergraph.js';
import { createSubgraphFetcher } from './http/index.js';
import { GatewayObservability, observedParts } from './observability/index.js';
import { createRegistryApi, type RegistryApiExtension } from './registry/index.js';

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
  // Logs, metrics, traces, readiness and shutdown; its logger adds request ids and redacts secrets.
  const observability = new GatewayObservability(options);
  const logger = observability.logger;
  const mode =
    options.mode ?? (process.env['NODE_ENV'] === 'production' ? 'production' : 'development');
  const limits = operationLimits(options.limits);
  const explorer = resolveExplorerMode(mode, options.explorer);
  const registry = options.registry;
  const catalog = createCatalogSchema(
    registry ?? options.directory,
    options.maxDevicesPerQuery === undefined
      ? {}
      : { maxDevicesPerQuery: options.maxDevicesPerQuery },
  );
  // Field-level access control: only over a registry, whose fields and applications it checks against.
  const control =
    registry && options.access
      ? new GatewayControl({
          registry,
          access: { ...options.access, ledger: observability.ledger(options.access.ledger) },
          maxDevices: limits.maxDevices,
          logger,
        })
      : undefined;
  const manager = followSubgraphs(options, catalogSource(catalog.sdl), logger);
  // Apollo Gateway reports usage metrics to Apollo unless told not to. An aggregator's traffic is
  // nobody else's business (and its networks are often closed), so gridmark opts out unless the
  // operator has set the variable explicitly.
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= 'true';
  const fetcher = createSubgraphFetcher({
    timeoutMs: options.subgraphTimeoutMs ?? 5_000,
    ...(registry ? { lookup: registry.outbound.lookup } : {}),
  });
  // One pair for the life of the gateway, shared by Apollo Gateway and Apollo Server.
  const caches = createOperationCaches();
  const gateway = buildApolloGateway({
    caches,
    manager,
    // One for the life of the gateway: its remembered documents outlive recompositions.
    catalog: new CatalogDataSource(catalog.schema),
    systems: options.systems ?? [],
    fetcher,
    guard: observability.guard(control?.guard),
    logger,
    observeFetcher: (system, given) => observability.fetcher(system, given),
  });
  const server = buildApolloServer({
    caches,
    gateway,
    mode,
    logger,
    limitGuards: createOperationLimitGuards(limits),
    controlPlugins: observability.traced(control?.plugins ?? [], [
      'gridmark.access',
      'gridmark.billing',
    ]),
    observabilityPlugins: [observability.plugin()],
    explorer,
  });
  const registryApi = registry
    ? createRegistryApi(registry, { mode, logger, extensions: billingExtensions(control) })
    : undefined;
  observability.watch(observedParts({ manager, registry, access: options.access, control }));
  return new AggregationGateway({
    server,
    manager,
    catalogContext: () => catalog.createContext(),
    control,
    registry,
    registryApi,
    fetcher,
    observability,
    routes: [...(options.routes ?? []), ...explorerRoutes({ explorer })],
    tls: options.tls,
  });
}

/** The billing API served in the registry's, when queries are charged. */
function billingExtensions(control: GatewayControl | undefined): RegistryApiExtension[] {
  return control?.billing
    ? [{ typeDefs: BILLING_TYPE_DEFS, resolvers: createBillingResolvers(control.billing) }]
    : [];
}
