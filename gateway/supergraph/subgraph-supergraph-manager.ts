import type { SupergraphManager } from '@apollo/gateway';
import { createConsoleLogger, type Logger } from '../../schema/index.js';
import { CompositionError, composeSupergraph, type SubgraphSdl } from './compose-supergraph.js';
import { fetchSubgraphSdl } from './fetch-subgraph-sdl.js';

/** Where a subgraph's SDL comes from. */
export type SubgraphSource =
  /** Known up front: an in-process subgraph such as the gateway's own catalog. */
  | { readonly kind: 'static'; readonly name: string; readonly url: string; readonly sdl: string }
  /** A running business system, asked for `_service { sdl }`. */
  | { readonly kind: 'remote'; readonly name: string; readonly url: string };

/** Options of {@link createSubgraphSupergraphManager}. */
export interface SupergraphManagerOptions {
  readonly sources: readonly SubgraphSource[];
  /** How often to re-read remote SDLs and recompose on change; 0 disables polling. */
  readonly pollIntervalMs?: number;
  /** How long to wait at start for remote subgraphs before composing without them. */
  readonly startupTimeoutMs?: number;
  /** Deadline of one SDL request. */
  readonly fetchTimeoutMs?: number;
  readonly logger?: Logger;
}

/** The subgraphs in the live supergraph and those left out of it. */
export interface SupergraphStatus {
  readonly phase: 'starting' | 'serving' | 'stopped';
  readonly composed: readonly string[];
  readonly missing: readonly string[];
}

/** A supergraph manager with a status, for health endpoints. */
export interface SubgraphSupergraphManager extends SupergraphManager {
  status(): SupergraphStatus;
}

/**
 * A supergraph manager (Apollo Gateway's own extension point) that composes the supergraph from
 * the subgraphs themselves. A subgraph that is down at start is left out with a warning and
 * added when it answers; a change of SDL is recomposed, and a change that fails to compose is
 * refused with the errors logged, the live supergraph untouched.
 *
 * @throws CompositionError from `initialize` when the subgraphs available at start do not compose.
 */
export function createSubgraphSupergraphManager(options: SupergraphManagerOptions): SubgraphSupergraphManager {
  const logger = options.logger ?? createConsoleLogger('supergraph');
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 2_000;
  let phase: SupergraphStatus['phase'] = 'starting';
  let current = new Map<string, SubgraphSdl>();
  let timer: NodeJS.Timeout | undefined;

  const readAll = async (): Promise<Map<string, SubgraphSdl>> => {
    const read = await Promise.all(
      options.sources.map(async (source): Promise<SubgraphSdl | undefined> => {
        if (source.kind === 'static') return source;
        try {
          return { name: source.name, url: source.url, sdl: await fetchSubgraphSdl(source.name, source.url, fetchTimeoutMs) };
        } catch (error) {
          logger.debug(error instanceof Error ? error.message : String(error));
          return undefined;
        }
      }),
    );
    return new Map(read.filter((s): s is SubgraphSdl => s !== undefined).map((s) => [s.name, s]));
  };

  const missingFrom = (found: ReadonlyMap<string, SubgraphSdl>): string[] =>
    options.sources.filter((s) => !found.has(s.name)).map((s) => s.name);

  return {
    status: () => ({ phase, composed: [...current.keys()], missing: phase === 'starting' ? [] : missingFrom(current) }),

    async initialize({ update }) {
      const deadline = Date.now() + (options.startupTimeoutMs ?? 10_000);
      let found = await readAll();
      while (missingFrom(found).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        found = await readAll();
      }
      const missing = missingFrom(found);
      if (missing.length > 0) logger.warn(`composing without ${missing.join(', ')}: not reachable yet; they join when they answer`);
      const supergraphSdl = composeSupergraph([...found.values()]);
      current = found;
      phase = 'serving';

      const interval = options.pollIntervalMs ?? 0;
      if (interval > 0) {
        let busy = false;
        timer = setInterval(() => {
          if (busy) return;
          busy = true;
          void (async () => {
            try {
              // Keep the last known SDL of a subgraph that is down now: it stays composed.
              const next = new Map([...current, ...(await readAll())]);
              if (!changed(current, next)) return;
              try {
                const sdl = composeSupergraph([...next.values()]);
                current = next;
                update(sdl);
                logger.info(`supergraph recomposed: ${[...next.keys()].join(', ')}`);
              } catch (error) {
                logger.error(error instanceof CompositionError ? `kept the live supergraph: ${error.message}` : String(error));
              }
            } finally {
              busy = false;
            }
          })();
        }, interval);
        timer.unref();
      }

      return {
        supergraphSdl,
        cleanup: () => {
          if (timer) clearInterval(timer);
          phase = 'stopped';
          return Promise.resolve();
        },
      };
    },
  };
}

/**
 * True when the set of subgraphs or any SDL differs. A subgraph that merely stopped answering
 * is not a change: it stays in the supergraph and its fetches fail with SYSTEM_UNAVAILABLE.
 */
function changed(before: ReadonlyMap<string, SubgraphSdl>, after: ReadonlyMap<string, SubgraphSdl>): boolean {
  for (const [name, next] of after) if (before.get(name)?.sdl !== next.sdl) return true;
  return false;
}
