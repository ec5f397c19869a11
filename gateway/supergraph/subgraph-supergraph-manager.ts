import type { SupergraphManager } from '@apollo/gateway';
import { createConsoleLogger, type Logger } from '../../schema/index.js';
import { CompositionError, composeSupergraph, type SubgraphSdl } from './compose-supergraph.js';
import { fetchSubgraphSdl } from './fetch-subgraph-sdl.js';
import type { OutboundClient } from '../outbound/index.js';
import {
  selectSubgraphs,
  type SubgraphReading,
  type SubgraphSelection,
} from './select-subgraphs.js';

/** Where a subgraph's SDL comes from. */
export type SubgraphSource =
  /** The aggregator's own subgraph (the device catalog): composed as it is, outside the schema policy. */
  | {
      readonly kind: 'aggregator';
      readonly name: string;
      readonly url: string;
      readonly sdl: string;
    }
  /** A business system known up front (in-process, as in the test network); under the schema policy. */
  | {
      readonly kind: 'static';
      readonly name: string;
      readonly url: string;
      readonly sdl: string;
      readonly registeredFields?: readonly string[];
    }
  /**
   * A running business system, asked for `_service { sdl }`; when it does not answer, its
   * `fallbackSdl` (the SDL it registered with) keeps it composed, so its fields stay in the
   * schema and fail as SYSTEM_UNAVAILABLE instead of vanishing. `registeredFields`, when a
   * registry speaks for it, are the only `Device` fields the gateway asks it for.
   */
  | {
      readonly kind: 'remote';
      readonly name: string;
      readonly url: string;
      readonly fallbackSdl?: string;
      readonly registeredFields?: readonly string[];
    };

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
  /**
   * The guard of calls to remote subgraphs: a registry's, for the URLs its applicants chose. By
   * default any network is reached, as for subgraph URLs the operator configured.
   */
  readonly outbound?: OutboundClient;
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
  /**
   * The `Device` fields the live supergraph lets the gateway ask a business system for: its own
   * (registered, when a registry speaks for it) fields of the schema it is composed with. The
   * same set object until they change; empty for a system not composed.
   */
  ownedFields(name: string): ReadonlySet<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

/**
 * A supergraph manager (Apollo Gateway's own extension point) that composes the supergraph from
 * the subgraphs themselves. A subgraph that is down at start is left out with a warning and
 * added when it answers; a change of SDL is recomposed, and a change that fails to compose is
 * refused with the errors logged, the live supergraph untouched. Every business system's SDL
 * passes the schema policy first (see {@link selectSubgraphs}): a refused SDL is logged naming
 * what it asked for, and the system keeps the SDL it was composed with (or is left out).
 *
 * @throws CompositionError from `initialize` when the subgraphs available at start do not compose.
 */
export function createSubgraphSupergraphManager(
  options: SupergraphManagerOptions,
): SubgraphSupergraphManager {
  return new LiveSupergraphManager(options);
}

class LiveSupergraphManager implements SubgraphSupergraphManager {
  readonly #options: SupergraphManagerOptions;
  readonly #logger: Logger;
  readonly #fetchTimeoutMs: number;
  #phase: SupergraphStatus['phase'] = 'starting';
  #current = new Map<string, SubgraphSdl>();
  #owned: ReadonlyMap<string, ReadonlySet<string>> = new Map();
  #timer: NodeJS.Timeout | undefined;
  /** The last refused SDL of each system, so that a poll does not log the same refusal again. */
  readonly #reported = new Map<string, string>();
  #sources: readonly SubgraphSource[] = [];
  #pending: Promise<void> | undefined;
  #update: ((supergraphSdl: string) => void) | undefined;

  constructor(options: SupergraphManagerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? createConsoleLogger('supergraph');
    this.#fetchTimeoutMs = options.fetchTimeoutMs ?? 2_000;
  }

  status(): SupergraphStatus {
    return {
      phase: this.#phase,
      composed: [...this.#current.keys()],
      missing: this.#phase === 'starting' ? [] : this.#missingFrom(this.#current),
    };
  }

  refresh(): Promise<void> {
    return this.#phase === 'serving' ? this.#refresh() : Promise.resolve();
  }

  ownedFields(name: string): ReadonlySet<string> {
    return this.#owned.get(name) ?? NOTHING;
  }

  async initialize(
    hooks: Parameters<SupergraphManager['initialize']>[0],
  ): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    this.#update = hooks.update;
    const found = await this.#selectAtStart();
    const supergraphSdl = composeSupergraph([...found.subgraphs.values()]);
    this.#current = new Map(found.subgraphs);
    this.#owned = found.owned;
    this.#phase = 'serving';
    this.#startPolling();
    return {
      supergraphSdl,
      cleanup: () => {
        if (this.#timer) clearInterval(this.#timer);
        this.#phase = 'stopped';
        return Promise.resolve();
      },
    };
  }

  /** The subgraphs at start: those that answer within the startup deadline. */
  async #selectAtStart(): Promise<SubgraphSelection> {
    const deadline = Date.now() + (this.#options.startupTimeoutMs ?? 10_000);
    let found = await this.#select();
    while (found.unanswered.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = await this.#select();
    }
    if (found.unanswered.length > 0)
      this.#logger.warn(
        `composing without ${found.unanswered.join(', ')}: not reachable yet; they join when they answer`,
      );
    return found;
  }

  #startPolling(): void {
    const interval = this.#options.pollIntervalMs ?? 0;
    if (interval <= 0) return;
    this.#timer = setInterval(() => {
      if (this.#pending === undefined) void this.#refresh();
    }, interval);
    this.#timer.unref();
  }

  /** Every source's SDL as served now, with what stands in for it. */
  async #readAll(): Promise<SubgraphReading[]> {
    const { sources, outbound } = this.#options;
    this.#sources = typeof sources === 'function' ? await sources() : sources;
    return Promise.all(
      this.#sources.map((source) => read(source, this.#fetchTimeoutMs, this.#logger, outbound)),
    );
  }

  /** Reads and applies the schema policy; logs each new refusal. */
  async #select(): Promise<SubgraphSelection> {
    const selection = selectSubgraphs(await this.#readAll(), this.#current);
    const reported = this.#reported;
    for (const [name, refusal] of selection.refused) {
      if (reported.get(name) === refusal.sdl) continue;
      reported.set(name, refusal.sdl);
      this.#logger.warn(
        `${refusal.error.message} ${refusal.kept ? 'It keeps the schema it was composed with.' : 'It is left out of the supergraph.'}`,
      );
    }
    for (const name of reported.keys()) if (!selection.refused.has(name)) reported.delete(name);
    return selection;
  }

  #missingFrom(found: ReadonlyMap<string, SubgraphSdl>): string[] {
    return this.#sources.filter((s) => !found.has(s.name)).map((s) => s.name);
  }

  async #recompose(): Promise<void> {
    const next = await this.#select();
    if (!changed(this.#current, next.subgraphs)) {
      if (!sameOwnership(this.#owned, next.owned)) this.#owned = next.owned;
      return;
    }
    try {
      const sdl = composeSupergraph([...next.subgraphs.values()]);
      this.#current = new Map(next.subgraphs);
      this.#owned = next.owned;
      this.#update?.(sdl);
      this.#logger.info(`supergraph recomposed: ${[...next.subgraphs.keys()].join(', ')}`);
    } catch (error) {
      this.#logger.error(
        error instanceof CompositionError
          ? `kept the live supergraph: ${error.message}`
          : String(error),
      );
    }
  }

  /** One refresh at a time; a refresh asked for during one runs right after it. */
  #refresh(): Promise<void> {
    const recompose = (): Promise<void> => this.#recompose();
    const run = (this.#pending ?? Promise.resolve()).then(recompose, recompose);
    // `pending` is the settled tail of the chain; it clears itself when nothing follows it, so that
    // the poll (which runs only while nothing is pending) keeps running.
    const tail: Promise<void> = run
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        if (this.#pending === tail) this.#pending = undefined;
      });
    this.#pending = tail;
    return run;
  }
}

/** One source as read now: a remote system's live SDL when it answers (else only what stands in). */
async function read(
  source: SubgraphSource,
  fetchTimeoutMs: number,
  logger: Logger,
  outbound: OutboundClient | undefined,
): Promise<SubgraphReading> {
  const registered =
    source.kind !== 'aggregator' && source.registeredFields !== undefined
      ? { registeredFields: source.registeredFields }
      : {};
  if (source.kind !== 'remote')
    return {
      name: source.name,
      url: source.url,
      role: source.kind === 'aggregator' ? 'aggregator' : 'system',
      live: source.sdl,
      ...registered,
    };
  const base = {
    name: source.name,
    url: source.url,
    role: 'system' as const,
    ...registered,
    ...(source.fallbackSdl === undefined ? {} : { fallback: source.fallbackSdl }),
  };
  try {
    return {
      ...base,
      live: await fetchSubgraphSdl(source.name, source.url, fetchTimeoutMs, outbound),
    };
  } catch (error) {
    logger.debug(error instanceof Error ? error.message : String(error));
    return base;
  }
}

/**
 * True when the set of subgraphs, a URL or an SDL differs. A subgraph that merely stopped
 * answering is not a change: it keeps its last SDL and its fetches fail with SYSTEM_UNAVAILABLE.
 */
function changed(
  before: ReadonlyMap<string, SubgraphSdl>,
  after: ReadonlyMap<string, SubgraphSdl>,
): boolean {
  if (before.size !== after.size) return true;
  for (const [name, next] of after) {
    const previous = before.get(name);
    if (previous?.sdl !== next.sdl || previous.url !== next.url) return true;
  }
  return false;
}

function sameOwnership(
  before: ReadonlyMap<string, ReadonlySet<string>>,
  after: ReadonlyMap<string, ReadonlySet<string>>,
): boolean {
  if (before.size !== after.size) return false;
  for (const [name, fields] of after) {
    const previous = before.get(name);
    if (!previous || previous.size !== fields.size || [...fields].some((f) => !previous.has(f)))
      return false;
  }
  return true;
}
