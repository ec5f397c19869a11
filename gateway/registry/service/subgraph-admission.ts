import { GridmarkError } from '../../../schema/index.js';
import { CATALOG_SDL, CATALOG_SUBGRAPH } from '../../catalog/index.js';
import { composeSupergraph } from '../../supergraph/index.js';
import type { RegisteredSubgraph } from '../registry.js';
import type { RegistryStore } from '../registry-store.js';
import type { BusinessSystem } from '../registry-types.js';
import { requireSchemaPolicy } from '../registry-validation.js';

/** A subgraph as the composition check takes it: name, URL and SDL. */
export type SubgraphCandidate = Omit<RegisteredSubgraph, 'fields'>;

/** Reads a subgraph's SDL from its URL. */
export type SubgraphProbe = (name: string, url: string) => Promise<string>;

/**
 * What a subgraph passes before the live supergraph takes it: it answers `_service { sdl }` at its
 * URL, keeps to the schema policy, and composes with the active systems. Nothing is written here.
 */
export class SubgraphAdmission {
  readonly #store: RegistryStore;
  readonly #probe: SubgraphProbe;

  constructor(store: RegistryStore, probe: SubgraphProbe) {
    this.#store = store;
    this.#probe = probe;
  }

  /**
   * The SDL the subgraph serves at `url`.
   * @throws GridmarkError `URL_NOT_ALLOWED` (as the outbound guard said), `SYSTEM_UNREACHABLE`.
   */
  async readSchema(name: string, url: string): Promise<string> {
    try {
      return await this.#probe(name, url);
    } catch (cause) {
      if (cause instanceof GridmarkError && cause.code === 'URL_NOT_ALLOWED') throw cause;
      const reason = cause instanceof GridmarkError ? cause.details['reason'] : undefined;
      throw new GridmarkError(
        'SYSTEM_UNREACHABLE',
        `${url} did not serve a federation subgraph (_service { sdl }) in time.`,
        { cause, details: { field: 'url', ...(typeof reason === 'string' ? { reason } : {}) } },
      );
    }
  }

  /**
   * The composition check: the live supergraph with `candidate` added or replaced.
   * @throws SchemaPolicyViolationError naming what the schema asks for beyond its own fields;
   * CompositionError naming the subgraphs at fault.
   */
  async requireComposes(candidate: SubgraphCandidate): Promise<void> {
    await requireSchemaPolicy(this.#store, candidate);
    const live = (await this.#store.systemSdls('ACTIVE')).filter(
      (s) => s.subgraphName !== candidate.name,
    );
    composeSupergraph([
      { name: CATALOG_SUBGRAPH, url: 'gridmark://catalog', sdl: CATALOG_SDL },
      ...live.map((s) => ({ name: s.subgraphName, url: s.url, sdl: s.sdl })),
      candidate,
    ]);
  }

  /** A suspended system coming back must still compose with what joined meanwhile. */
  async requireReactivation(system: BusinessSystem): Promise<void> {
    const sdl =
      (await this.#store.systemSdls(system.status)).find((s) => s.code === system.code)?.sdl ?? '';
    await this.requireComposes({ name: system.subgraphName, url: system.url, sdl });
  }
}
