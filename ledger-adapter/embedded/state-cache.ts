import { LRUCache } from 'lru-cache';
import type { StateEntry } from '../contract-runtime.js';

/** What a state entry costs in memory besides its key's and value's bytes (objects, version, cache bookkeeping), roughly. */
const ENTRY_OVERHEAD_BYTES = 200;
/** A cached "no such key" (lru-cache holds no null). */
const ABSENT = Symbol('absent');

/**
 * The embedded ledger's recently read or written world-state entries (`null`: known absent),
 * least recently used first out, bounded by what they hold in bytes rather than by their number:
 * the ledger's records range from a 300-byte anchor to a resolution body of tens of kilobytes,
 * so a bound of entries let the cache of a gateway under steady load grow by hundreds of
 * megabytes before it held still.
 */
export class StateCache {
  readonly #entries: LRUCache<string, StateEntry | typeof ABSENT>;

  /** `maxBytes` (at least 1 MB) bounds the keys, values and overhead held together. */
  constructor(maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 << 20)
      throw new RangeError(`a state cache holds at least 1 MB, not ${maxBytes} bytes`);
    this.#entries = new LRUCache({
      maxSize: maxBytes,
      // An entry larger than a hundredth of the cache is not worth evicting a hundred others for.
      maxEntrySize: Math.floor(maxBytes / 100),
      sizeCalculation: (entry, key) =>
        key.length * 2 + ENTRY_OVERHEAD_BYTES + (entry === ABSENT ? 0 : entry.value.byteLength),
    });
  }

  /** The cached entry, `null` for a key known absent, `undefined` for a miss. */
  get(key: string): StateEntry | null | undefined {
    const found = this.#entries.get(key);
    return found === ABSENT ? null : found;
  }

  /** Remembers an entry, or that the key is absent (`null`). */
  set(key: string, entry: StateEntry | null): void {
    // One too large to keep is not stored, and an older value of its key is dropped.
    this.#entries.set(key, entry ?? ABSENT);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held, by the cache's own reckoning. */
  get bytes(): number {
    return this.#entries.calculatedSize;
  }
}
