import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import { BoundedMap } from '../../schema/index.js';

interface Stored<T> {
  readonly v: T;
}

/**
 * The adapter's read cache over any Keyv store. Values (null included) are wrapped, so a cached
 * "no such record" is told apart from a miss. A read that races an invalidation never writes back
 * what it read: `since` marks when the read began, and a key invalidated after that is not filled.
 * While the event stream is down the cache is bypassed, since it could not be kept fresh.
 *
 * In front of the Keyv store sits a bounded in-process map of the same entries, read
 * synchronously ({@link peekMany}): a query that finds all it needs there makes no Keyv call and
 * waits for no promise per key. It is filled, invalidated and emptied with the Keyv store.
 */
export class ReadCache {
  readonly #keyv: Keyv;
  readonly #ttlMs: number | undefined;
  readonly #invalidatedAt = new Map<string, number>();
  #epoch = 0;
  #clearedAt = 0;
  #inFlight = 0;
  #enabled = false;
  /** The in-process copy: value and expiry (ms since the epoch; Infinity without a TTL). */
  readonly #hot: BoundedMap<string, { readonly v: unknown; readonly until: number }>;

  constructor(keyv: Keyv | undefined, ttlMs: number | undefined, hotCapacity = 200_000) {
    this.#hot = new BoundedMap(hotCapacity);
    // The default in-memory store keeps the records themselves (no serialising on every hit);
    // they are frozen before they are stored, so no caller can change what others read. It is
    // bounded as the in-process copy is: Keyv drops an expired entry only when it is read again,
    // so a plain Map would keep every anchor, catalog entry and rule ever read.
    this.#keyv =
      keyv ??
      new Keyv({
        store: new LRUCache<string, object>({ max: hotCapacity }),
        namespace: 'gridmark-ledger',
        serialize: undefined,
        deserialize: undefined,
      });
    this.#ttlMs = ttlMs;
  }

  /** Whether reads are served from and written to the cache. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Turns the cache on (events are followed) or off (they are not: it is also emptied). */
  async setEnabled(enabled: boolean): Promise<void> {
    this.#enabled = enabled;
    if (!enabled) {
      this.#epoch += 1;
      this.#clearedAt = this.#epoch;
      this.#hot.clear();
      await this.#keyv.clear();
    }
  }

  /** The values of `keys` held in process, synchronously: the value (null included), or undefined for a miss. */
  peekMany<T>(keys: readonly string[]): (T | undefined)[] {
    const out = new Array<T | undefined>(keys.length);
    if (!this.#enabled) return out;
    const now = Date.now();
    for (let i = 0; i < keys.length; i++) {
      const entry = this.#hot.get(keys[i] as string);
      if (entry !== undefined && entry.until > now) out[i] = entry.v as T;
    }
    return out;
  }

  /** The cached values of `keys`: the value (null included), or undefined for a miss. */
  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (!this.#enabled || keys.length === 0) return keys.map(() => undefined);
    const hot = this.peekMany<T>(keys);
    const cold = keys.filter((_, i) => hot[i] === undefined);
    if (cold.length === 0) return hot;
    const since = this.#epoch;
    const found = await this.#keyv.getMany<Stored<T>>(cold);
    const byKey = new Map<string, T>();
    found.forEach((entry, i) => {
      if (entry !== undefined && entry !== null) byKey.set(cold[i] as string, entry.v);
    });
    // Entries of the shared store are copied in, unless a key was invalidated meanwhile.
    if (since === this.#epoch) for (const [key, value] of byKey) this.#keep(key, value);
    return keys.map((key, i) => (hot[i] !== undefined ? hot[i] : byKey.get(key)));
  }

  /** Marks the start of a read from the ledger; pass the result to {@link fill} and {@link endRead}. */
  beginRead(): number {
    this.#inFlight += 1;
    return this.#epoch;
  }

  endRead(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) this.#invalidatedAt.clear();
  }

  /** Stores what a read that began at `since` found, except keys invalidated since then. */
  async fill(entries: readonly (readonly [string, unknown])[], since: number): Promise<void> {
    if (!this.#enabled || since < this.#clearedAt) return;
    const fresh = entries.filter(([key]) => (this.#invalidatedAt.get(key) ?? -1) <= since);
    if (fresh.length === 0) return;
    // Frozen in place: the in-process copy and the Keyv store hold the same record.
    for (const [key, value] of fresh) this.#keep(key, deepFreeze(value));
    await this.#keyv.setMany(
      fresh.map(([key, value]) => ({
        key,
        value: { v: value },
        ...(this.#ttlMs === undefined ? {} : { ttl: this.#ttlMs }),
      })),
    );
  }

  /** Forgets keys now stale. */
  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.#epoch += 1;
    if (this.#inFlight > 0) for (const key of keys) this.#invalidatedAt.set(key, this.#epoch);
    for (const key of keys) this.#hot.delete(key);
    await this.#keyv.deleteMany([...keys]);
  }

  #keep(key: string, value: unknown): void {
    this.#hot.set(key, {
      v: value,
      until: this.#ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + this.#ttlMs,
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
