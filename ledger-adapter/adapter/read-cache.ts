import Keyv from 'keyv';

interface Stored<T> {
  readonly v: T;
}

/**
 * The adapter's read cache over any Keyv store. Values (null included) are wrapped, so a cached
 * "no such record" is told apart from a miss. A read that races an invalidation never writes back
 * what it read: `since` marks when the read began, and a key invalidated after that is not filled.
 * While the event stream is down the cache is bypassed, since it could not be kept fresh.
 */
export class ReadCache {
  readonly #keyv: Keyv;
  readonly #ttlMs: number | undefined;
  readonly #invalidatedAt = new Map<string, number>();
  #epoch = 0;
  #clearedAt = 0;
  #inFlight = 0;
  #enabled = false;

  constructor(keyv: Keyv | undefined, ttlMs: number | undefined) {
    // The default in-memory store keeps the records themselves (no serialising on every hit);
    // they are frozen before they are stored, so no caller can change what others read.
    this.#keyv = keyv ?? new Keyv({ namespace: 'gridmark-ledger', serialize: undefined, deserialize: undefined });
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
      await this.#keyv.clear();
    }
  }

  /** The cached values of `keys`: the value (null included), or undefined for a miss. */
  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (!this.#enabled || keys.length === 0) return keys.map(() => undefined);
    const found = await this.#keyv.getMany<Stored<T>>([...keys]);
    return found.map((entry) => (entry === undefined || entry === null ? undefined : entry.v));
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
    await this.#keyv.setMany(fresh.map(([key, value]) => ({ key, value: { v: deepFreeze(value) }, ...(this.#ttlMs === undefined ? {} : { ttl: this.#ttlMs }) })));
  }

  /** Forgets keys now stale. */
  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.#epoch += 1;
    if (this.#inFlight > 0) for (const key of keys) this.#invalidatedAt.set(key, this.#epoch);
    await this.#keyv.deleteMany([...keys]);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
