import type { SupergraphManager } from '@apollo/gateway';
import { createConsoleLogger, type Logger } from '../../schema/index.js';
import { CompositionError, composeSupergraph, type SubgraphSdl } from './compose-supergraph.js';
import { fetchSubgraphSdl } from './fetch-subgraph-sdl.js';

/** Where a subgraph's SDL comes from. */
export type SubgraphSource =
  /** Known up front: an in-process subgraph such as the gateway's own catalog. */
  | { readonly kind: 'static'; readonly name: string; readonly url: string; readonly sdl: string }
  /**
   * A running business system, asked for `_service { sdl }`; when it does not answer, its
   * `fallbackSdl` (the SDL it registered with) keeps it composed, so its fields stay in the
   * schema and fail as SYSTEM_UNAVAILABLE instead of vanishing.
   */
  | { readonly kind: 'remote'; readonly name: string; readonly url: string; readonly fallbackSdl?: string };

/** Options of {@link createSubgraphSupergraphManager}. */
export interface SupergraphManagerOptions {
  /** The subgraphs to compose: a fixed list, or read anew at every refresh (a registry). */
  readonly sources: readonly SubgraphSource[] | (() => Promise<readonly SubgraphSource[]>);
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
  /** Re-reads the sources and their SDLs now and recomposes on change; resolves when done. */
  refresh(): Promise<void>;
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

  let sources: readonly SubgraphSource[] = [];
  const loadSources = async (): Promise<readonly SubgraphSource[]> => {
    sources = typeof options.sources === 'function' ? await options.sources() : options.sources;
    return sources;
  };
  /** Every source's SDL: live when it answers, else its fallback, else the last one known. */
  const readAll = async (): Promise<Map<string, SubgraphSdl>> => {
    const read = await Promise.all(
      (await loadSources()).map(async (source): Promise<SubgraphSdl | undefined> => {
        if (source.kind === 'static') return source;
        try {
          return { name: source.name, url: source.url, sdl: await fetchSubgraphSdl(source.name, source.url, fetchTimeoutMs) };
        } catch (error) {
          logger.debug(error instanceof Error ? error.message : String(error));
          const known = source.fallbackSdl ?? current.get(source.name)?.sdl;
          return known === undefined ? undefined : { name: source.name, url: source.url, sdl: known };
        }
      }),
    );
    return new Map(read.filter((s): s is SubgraphSdl => s !== undefined).map((s) => [s.name, s]));
  };

  const missingFrom = (found: ReadonlyMap<string, SubgraphSdl>): string[] =>
    sources.filter((s) => !found.has(s.name)).map((s) => s.name);

  let pending: Promise<void> | undefined;
  let update: ((supergraphSdl: string) => void) | undefined;
  const recompose = async (): Promise<void> => {
    const next = await readAll();
    if (!changed(current, next)) return;
    try {
      const sdl = composeSupergraph([...next.values()]);
      current = next;
      update?.(sdl);
      logger.info(`supergraph recomposed: ${[...next.keys()].join(', ')}`);
    } catch (error) {
      logger.error(error instanceof CompositionError ? `kept the live supergraph: ${error.message}` : String(error));
    }
  };
  /** One refresh at a time; a refresh asked for during one runs right after it. */
  const refresh = (): Promise<void> => {
    const run = (pending ?? Promise.resolve()).then(recompose, recompose);
    // `pending` is the settled tail of the chain; it clears itself when nothing follows it, so that
    // the poll (which runs only while nothing is pending) keeps running.
    const tail: Promise<void> = run.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      if (pending === tail) pending = undefined;
    });
    pending = tail;
    return run;
  };

  return {
    status: () => ({ phase, composed: [...current.keys()], missing: phase === 'starting' ? [] : missingFrom(current) }),
    refresh: () => (phase === 'serving' ? refresh() : Promise.resolve()),

    async initialize(hooks) {
      update = hooks.update;
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
        timer = setInterval(() => {
          if (pending === undefined) void refresh();
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
 * True when the set of subgraphs, a URL or an SDL differs. A subgraph that merely stopped
 * answering is not a change: it keeps its last SDL and its fetches fail with SYSTEM_UNAVAILABLE.
 */
function changed(before: ReadonlyMap<string, SubgraphSdl>, after: ReadonlyMap<string, SubgraphSdl>): boolean {
  if (before.size !== after.size) return true;
  for (const [name, next] of after) {
    const previous = before.get(name);
    if (previous?.sdl !== next.sdl || previous.url !== next.url) return true;
  }
  return false;
}
