import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '../schema/index.js';
import {
  createOperationGate,
  queriesOnlyRule,
  type GatewayContext,
  type OperationLimitGuards,
  type SubgraphGuard,
} from './access/index.js';
import { CATALOG_SUBGRAPH, type CatalogDataSource } from './catalog/index.js';
import { createErrorFormatter } from './error-formatting.js';
import type { ExplorerMode } from './explorer/index.js';
import type { SystemEndpoint } from './gateway-options.js';
import { stringifyAsciiJson } from './http/index.js';
import type { SubgraphSupergraphManager } from './supergraph/index.js';
import type { OperationCaches } from './operation-caches.js';
import { SystemDataSource } from './system-data-source.js';

/** How Apollo Gateway reaches each subgraph: the catalog in-process, every system through its data source. */
export interface SubgraphServices {
  readonly manager: SubgraphSupergraphManager;
  /** One for the life of the gateway: its remembered documents outlive recompositions. */
  readonly catalog: CatalogDataSource;
  /** The fixed systems, whose own fetcher (if any) reaches them. */
  readonly systems: readonly SystemEndpoint[];
  /** How every other system is reached, with its deadline. */
  readonly fetcher: Fetcher;
  /** Grants out and verification in, when access control is on. */
  readonly guard: SubgraphGuard | undefined;
  readonly logger: Logger;
  /** Where parsed operations and their query plans are kept, bounded (see `operation-caches.ts`). */
  readonly caches: OperationCaches;
  /** Wraps each system's fetcher to count, time and trace its requests. */
  readonly observeFetcher?: (system: string, fetcher: Fetcher) => Fetcher;
}

/** Apollo Gateway over the live supergraph, each business system behind a {@link SystemDataSource}. */
export function buildApolloGateway(services: SubgraphServices): ApolloGateway {
  const { manager, catalog, fetcher, guard, logger } = services;
  const byName = new Map(services.systems.map((s) => [s.name, s]));
  return new ApolloGateway({
    supergraphSdl: manager,
    queryPlannerConfig: { cache: services.caches.queryPlans },
    logger,
    buildService: ({ name, url }) => {
      if (name === CATALOG_SUBGRAPH) return catalog;
      const system = byName.get(name);
      return new SystemDataSource({
        name,
        url: url ?? system?.url ?? '',
        logger,
        fetcher:
          services.observeFetcher?.(name, system?.fetcher ?? fetcher) ?? system?.fetcher ?? fetcher,
        ownedFields: () => manager.ownedFields(name),
        ...(guard ? { guard } : {}),
      });
    },
  });
}

/** Options of {@link buildApolloServer}. */
export interface ApolloServerOptions {
  readonly gateway: ApolloGateway;
  readonly mode: 'development' | 'production';
  readonly logger: Logger;
  readonly limitGuards: OperationLimitGuards;
  /** The same caches Apollo Gateway was built with. */
  readonly caches: OperationCaches;
  /** Access control's plugins, then billing's, when they are on. */
  readonly controlPlugins: readonly ApolloServerPlugin<GatewayContext>[];
  /** Observability's plugin, which records each operation, before access control's. */
  readonly observabilityPlugins?: readonly ApolloServerPlugin<GatewayContext>[];
  /** Apollo Sandbox is served only for `sandbox`; the explorer's routes serve the others. */
  readonly explorer?: ExplorerMode;
}

/**
 * Apollo Server over the gateway: queries only, within the operation limits, errors formatted for
 * clients, Sandbox and introspection in development only.
 */
export function buildApolloServer(options: ApolloServerOptions): ApolloServer<GatewayContext> {
  const { mode, logger, limitGuards } = options;
  return new ApolloServer<GatewayContext>({
    gateway: options.gateway,
    documentStore: options.caches.documents,
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
      (options.explorer ?? (mode === 'development' ? 'sandbox' : 'off')) === 'sandbox'
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      ...(options.observabilityPlugins ?? []),
      ...options.controlPlugins,
    ],
  });
}
