import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { GridmarkError } from '../../schema/index.js';
import {
  defineSubgraph,
  type AnchorJournal,
  type HeaderReader,
  type Subgraph,
  type SubgraphContext,
  type SubgraphDeclaration,
} from '../kit/index.js';
import type { GatewayKeys } from './gateway-keys.js';

/** Options of {@link createKeyedSubgraph}. */
export interface KeyedSubgraphOptions {
  readonly keys: GatewayKeys;
  readonly journal?: AnchorJournal;
}

/**
 * A subgraph that accepts the grants of any of the gateway's current keys, so a gateway can
 * rotate its signing key with an overlap. The kit checks grants against one key; this keeps one
 * instance of the subgraph per key (all with the same grant key, announced alike, so the
 * gateway's sealed grants reach whichever instance holds their key) and lets the instance whose
 * key signed a request's grant check it. Grants carry no key id, so the key that verified last
 * is tried first; a grant whose signature no key verifies makes the keys refresh early. Each
 * instance keeps its own replay guard, and a grant verifies under one key only, so a replay
 * always meets the guard that saw it.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when there is no key, `BAD_DECLARATION` as
 *   `defineSubgraph` does.
 */
export function createKeyedSubgraph(
  declaration: SubgraphDeclaration,
  options: KeyedSubgraphOptions,
): Subgraph {
  return new KeyedSubgraph(declaration, options);
}

class KeyedSubgraph implements Subgraph {
  readonly name: string;
  readonly title: string;
  readonly fields: Subgraph['fields'];
  readonly sdl: string;
  readonly schema: Subgraph['schema'];
  readonly #declaration: SubgraphDeclaration;
  readonly #options: KeyedSubgraphOptions;
  readonly #grantKey: KeyObject = generateKeyPairSync('x25519').privateKey;
  /** One instance per key id, the one that verified last first. */
  #instances = new Map<string, Subgraph>();
  #keys: ReadonlyMap<string, KeyObject> | undefined;

  constructor(declaration: SubgraphDeclaration, options: KeyedSubgraphOptions) {
    this.#declaration = declaration;
    this.#options = options;
    this.#sync();
    const first = [...this.#instances.values()][0];
    if (!first)
      throw new GridmarkError('BAD_CONFIGURATION', 'gateway: no key of the gateway is known.', {
        details: { setting: 'gateway' },
      });
    this.name = first.name;
    this.title = first.title;
    this.fields = first.fields;
    this.sdl = first.sdl;
    this.schema = first.schema;
  }

  createContext(headers?: HeaderReader): SubgraphContext {
    this.#sync();
    let context: SubgraphContext | undefined;
    for (const [id, instance] of this.#instances) {
      context = instance.createContext(headers);
      if (!isBadSignature(context)) {
        if (context.access.kind === 'granted') this.#promote(id, instance);
        return context;
      }
    }
    this.#options.keys.suspectRotation();
    if (!context) throw new GridmarkError('GRANT_REFUSED', 'No key of the gateway is known.');
    return context;
  }

  /** Rebuilds the instances when the key set changed, keeping those of keys still trusted. */
  #sync(): void {
    const keys = this.#options.keys.current();
    if (keys === this.#keys) return;
    this.#keys = keys;
    const next = new Map<string, Subgraph>();
    for (const [id, instance] of this.#instances) if (keys.has(id)) next.set(id, instance);
    for (const [id, key] of keys) {
      if (next.has(id)) continue;
      next.set(
        id,
        defineSubgraph(this.#declaration, {
          access: { kind: 'grants', gatewayPublicKey: key, grantKey: this.#grantKey },
          ...(this.#options.journal ? { journal: this.#options.journal } : {}),
        }),
      );
    }
    if (next.size > 0) this.#instances = next;
  }

  #promote(id: string, instance: Subgraph): void {
    if (this.#instances.keys().next().value === id) return;
    this.#instances = new Map([[id, instance], ...this.#instances]);
  }
}

function isBadSignature(context: SubgraphContext): boolean {
  return (
    context.access.kind === 'refused' && context.access.error.details['reason'] === 'BAD_SIGNATURE'
  );
}
