import type { SubgraphSdl } from './compose-supergraph.js';
import { declaredElements, policySubject, type OwnershipSubgraph } from './schema-ownership.js';
import { checkSubgraphSchema, SchemaPolicyViolationError } from './subgraph-schema-policy.js';

/** A subgraph the supergraph may contain, as read at one refresh. */
export interface SubgraphReading {
  readonly name: string;
  readonly url: string;
  /** `aggregator`: the gateway's own subgraph, composed as it is; `system`: a business system, under the schema policy. */
  readonly role: 'aggregator' | 'system';
  /** The SDL it serves now; absent when it did not answer. */
  readonly live?: string;
  /** The SDL it registered with, kept for when it does not answer. */
  readonly fallback?: string;
  /** Its registered `Device` fields; absent when no registry speaks for it (a fixed list of systems). */
  readonly registeredFields?: readonly string[];
}

/** What to compose, after the schema policy. */
export interface SubgraphSelection {
  readonly subgraphs: ReadonlyMap<string, SubgraphSdl>;
  /** Per business system in `subgraphs`, the `Device` fields the gateway may ask it for. */
  readonly owned: ReadonlyMap<string, ReadonlySet<string>>;
  /** Business systems whose live SDL the policy refused, with the refusal. */
  readonly refused: ReadonlyMap<
    string,
    { readonly sdl: string; readonly error: SchemaPolicyViolationError; readonly kept: boolean }
  >;
  /** Subgraphs that did not answer and have no SDL to stand in. */
  readonly unanswered: readonly string[];
}

/**
 * Chooses the SDL each subgraph is composed with. The aggregator's are taken as they are. A
 * business system's live SDL is taken when it passes the schema policy; when it does not (or the
 * system did not answer), the SDL last composed, else the registered one, stands in if it still
 * passes; else the system is left out. A new SDL therefore never brings a new power.
 * Systems are checked in order, each against what the others own: their registered fields and
 * the types of the SDLs already chosen (so the first to declare a type keeps it).
 *
 * @param previous the subgraphs of the live supergraph.
 */
export function selectSubgraphs(
  readings: readonly SubgraphReading[],
  previous: ReadonlyMap<string, SubgraphSdl>,
): SubgraphSelection {
  const chosen = new Map<string, SubgraphSdl>();
  const owned = new Map<string, ReadonlySet<string>>();
  const refused = new Map<
    string,
    { sdl: string; error: SchemaPolicyViolationError; kept: boolean }
  >();
  const unanswered: string[] = [];
  const ownership = (): OwnershipSubgraph[] =>
    readings.map((r) => {
      const sdl = chosen.get(r.name)?.sdl ?? previous.get(r.name)?.sdl;
      return {
        name: r.name,
        ...(sdl === undefined ? {} : { sdl }),
        ...(r.role === 'system' ? { registeredFields: r.registeredFields ?? [] } : {}),
      };
    });
  for (const reading of readings.filter((r) => r.role === 'aggregator')) {
    if (reading.live !== undefined)
      chosen.set(reading.name, { name: reading.name, url: reading.url, sdl: reading.live });
  }
  for (const reading of readings.filter((r) => r.role === 'system')) {
    const subject = policySubject(reading.name, ownership());
    const candidates = [
      ...new Set([reading.live, previous.get(reading.name)?.sdl, reading.fallback]),
    ].filter((s): s is string => s !== undefined);
    const sdl = candidates.find(
      (candidate) => checkSubgraphSchema(candidate, subject).length === 0,
    );
    if (reading.live !== undefined && sdl !== reading.live) {
      refused.set(reading.name, {
        sdl: reading.live,
        error: new SchemaPolicyViolationError(
          reading.name,
          checkSubgraphSchema(reading.live, subject),
        ),
        kept: sdl !== undefined,
      });
    }
    if (sdl === undefined) {
      if (reading.live === undefined) unanswered.push(reading.name);
      continue;
    }
    chosen.set(reading.name, { name: reading.name, url: reading.url, sdl });
    const declared = declaredElements(sdl).deviceFields;
    const registered =
      reading.registeredFields === undefined ? undefined : new Set(reading.registeredFields);
    owned.set(
      reading.name,
      new Set(registered === undefined ? declared : declared.filter((f) => registered.has(f))),
    );
  }
  return { subgraphs: chosen, owned, refused, unanswered };
}
