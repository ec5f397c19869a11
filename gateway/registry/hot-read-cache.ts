import type { DirectoryEntry } from '../catalog/index.js';
import type { RegistryStore, StoredPrincipal } from './registry-store.js';

/** Options of {@link cacheHotReads}. */
export interface HotReadCacheOptions {
  /** How long an answer is reused at most (default 1 s): bounds staleness after another process's write. */
  readonly ttlMs?: number;
  /** Entries kept at most per read (default 50,000). */
  readonly maxEntries?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Store methods that only read: calling them leaves the cache as it is. */
const READS: ReadonlySet<keyof RegistryStore> = new Set<keyof RegistryStore>([
  'getEnterprise',
  'listEnterprises',
  'getSystem',
  'listSystems',
  'systemSdls',
  'creditHistory',
  'getApplication',
  'findApplication',
  'listApplicationKeys',
  'listFields',
  'fieldOwner',
  'getIdentifier',
  'associations',
  'statistics',
  'outboxBatch',
  'log',
  'systemHoldings',
  'systemPendingEvidence',
]);

/**
 * The registry store with the two reads every query makes, the API key's principal and the
 * directory entries of the queried devices, answered from memory. Any other store call that is
 * not a known read (a registration, a revocation, a suspension, a status change) empties the
 * cache before and after it runs, so a change made through this process is seen by the next
 * query; a read that was under way during a write does not refill the cache. Changes made by
 * another process are seen within `ttlMs`.
 */
export function cacheHotReads(
  store: RegistryStore,
  options: HotReadCacheOptions = {},
): RegistryStore {
  const ttlMs = options.ttlMs ?? 1_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const now = options.now ?? Date.now;
  const principals = new Map<string, StoredPrincipal | undefined>();
  const directory = new Map<string, DirectoryEntry | null>();
  /** Bumped by every write; an answer read under an older generation is not kept. */
  let generation = 0;
  let filledAt = now();
  const forget = (): void => {
    generation++;
    principals.clear();
    directory.clear();
    filledAt = now();
  };
  /** The generation answers may be kept under, after dropping answers older than `ttlMs`. */
  const current = (): number => {
    if (now() - filledAt >= ttlMs || principals.size + directory.size >= maxEntries) forget();
    return generation;
  };

  const cached: Partial<RegistryStore> = {
    async findPrincipal(keyId) {
      const at = current();
      if (principals.has(keyId)) return principals.get(keyId);
      const found = await store.findPrincipal(keyId);
      if (at === generation) principals.set(keyId, found);
      return found;
    },
    async directoryEntries(deviceIds) {
      const at = current();
      const missing = deviceIds.filter((id) => !directory.has(id));
      const fetched = missing.length > 0 ? await store.directoryEntries(missing) : undefined;
      if (fetched && at === generation)
        for (const id of missing) directory.set(id, fetched.get(id) ?? null);
      const entries = new Map<string, DirectoryEntry>();
      for (const id of deviceIds) {
        const entry = fetched?.get(id) ?? directory.get(id);
        if (entry) entries.set(id, entry);
      }
      return entries;
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const own = cached[property as keyof RegistryStore];
      if (own) return own;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || READS.has(property as keyof RegistryStore)) return value;
      return async (...args: unknown[]) => {
        forget();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          forget();
        }
      };
    },
  });
}
