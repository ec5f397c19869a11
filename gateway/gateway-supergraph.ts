import type { Logger } from '../schema/index.js';
import { CATALOG_SUBGRAPH } from './catalog/index.js';
import type { GatewayOptions, SystemEndpoint } from './gateway-options.js';
import type { Registry } from './registry/index.js';
import {
  createSubgraphSupergraphManager,
  type SubgraphSource,
  type SubgraphSupergraphManager,
} from './supergraph/index.js';

/** The aggregator's catalog subgraph as the supergraph manager composes it. */
export function catalogSource(sdl: string): SubgraphSource {
  return { kind: 'aggregator', name: CATALOG_SUBGRAPH, url: 'gridmark://catalog', sdl };
}

/**
 * The supergraph manager of a gateway: the catalog with the registry's active systems, which it
 * follows, or with the fixed list of systems.
 */
export function followSubgraphs(
  options: GatewayOptions,
  catalog: SubgraphSource,
  logger: Logger,
): SubgraphSupergraphManager {
  const registry = options.registry;
  return createSubgraphSupergraphManager({
    sources: registry
      ? async () => [catalog, ...(await activeSources(registry))]
      : [catalog, ...fixedSources(options.systems ?? [])],
    pollIntervalMs: options.pollIntervalMs ?? 0,
    startupTimeoutMs: options.startupTimeoutMs ?? 10_000,
    // A registry's systems are read through its guard, as at registration.
    ...(registry ? { outbound: registry.outbound } : {}),
    logger,
  });
}

/** The registry's active systems, with the SDL each registered as the fallback when it cannot be read. */
async function activeSources(registry: Registry): Promise<SubgraphSource[]> {
  return (await registry.activeSubgraphs()).map((s) => ({
    kind: 'remote',
    name: s.name,
    url: s.url,
    fallbackSdl: s.sdl,
    registeredFields: s.fields,
  }));
}

/** A fixed list of systems: those with an SDL given are composed from it, the others read it. */
function fixedSources(systems: readonly SystemEndpoint[]): SubgraphSource[] {
  return systems.map((s) =>
    s.sdl === undefined
      ? { kind: 'remote', name: s.name, url: s.url }
      : { kind: 'static', name: s.name, url: s.url, sdl: s.sdl },
  );
}
