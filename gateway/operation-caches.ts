import type { GatewayConfig } from '@apollo/gateway';
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Distinct operation texts whose parsed document and query plan the gateway keeps. Apollo's own
 * stores are bounded at 30 MiB as measured by each entry's JSON, which leaves out the parser's
 * tokens and locations that a document keeps alive: in the heap an entry weighs several times
 * its JSON, so at thousands of distinct texts (an identifier written into each query, as the
 * demo's sample does) the gateway held hundreds of megabytes. Counting entries bounds them for
 * real; a text that falls out is parsed and planned again, which costs well under a millisecond.
 */
export const DEFAULT_OPERATION_CACHE_ENTRIES = 500;

/** What Apollo Server and Apollo Gateway ask of a cache (their `KeyValueCache`). */
export interface OperationCache<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Apollo Gateway clears its plans when the supergraph changes. */
  clear(): void;
}

/** A cache of at most `entries` values; the least recently used is forgotten first. */
export class BoundedOperationCache<V extends object> implements OperationCache<V> {
  readonly #cache: LRUCache<string, V>;

  constructor(entries: number) {
    this.#cache = new LRUCache<string, V>({ max: entries });
  }

  get(key: string): Promise<V | undefined> {
    return Promise.resolve(this.#cache.get(key));
  }

  set(key: string, value: V): Promise<void> {
    this.#cache.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.#cache.delete(key));
  }

  clear(): void {
    this.#cache.clear();
  }

  /** Entries held now. */
  get size(): number {
    return this.#cache.size;
  }
}

/** Apollo Gateway's cache of query plans, whose plan type it does not export. */
type QueryPlanCache = NonNullable<NonNullable<GatewayConfig['queryPlannerConfig']>['cache']>;
type QueryPlan = NonNullable<Awaited<ReturnType<QueryPlanCache['get']>>>;

/** The gateway's parsed documents (Apollo Server's document store) and query plans (Apollo Gateway's). */
export interface OperationCaches {
  readonly documents: BoundedOperationCache<DocumentNode>;
  readonly queryPlans: BoundedOperationCache<QueryPlan>;
}

/** Both operation caches, each bounded at `entries` distinct operation texts. */
export function createOperationCaches(
  entries: number = DEFAULT_OPERATION_CACHE_ENTRIES,
): OperationCaches {
  return {
    documents: new BoundedOperationCache<DocumentNode>(entries),
    queryPlans: new BoundedOperationCache<QueryPlan>(entries),
  };
}
