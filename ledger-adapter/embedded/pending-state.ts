import type { StateEntry, WorldStateReader } from '../contract-runtime.js';
import { compareKeys } from '../runtime/index.js';

/** The state a block is built on: synchronous point and range reads. */
export interface StateSource {
  getState(key: string): StateEntry | undefined;
  rangeState(startKey: string, endKey: string): ({ key: string } & StateEntry)[];
}

/**
 * The state a transaction of a block under construction sees: the committed state with the
 * writes of the block's earlier transactions laid over it. Transactions of one block therefore
 * run one after another as if each had been committed, and none can conflict.
 */
export class PendingState implements WorldStateReader {
  readonly #database: StateSource;
  readonly #overlay = new Map<string, StateEntry | null>();

  constructor(database: StateSource) {
    this.#database = database;
  }

  get(key: string): Promise<StateEntry | undefined> {
    const pending = this.#overlay.get(key);
    if (pending !== undefined) return Promise.resolve(pending ?? undefined);
    return Promise.resolve(this.#database.getState(key));
  }

  async *range(
    startKey: string,
    endKey: string,
  ): AsyncIterable<{ readonly key: string } & StateEntry> {
    const merged = new Map<string, StateEntry>();
    for (const entry of this.#database.rangeState(startKey, endKey)) merged.set(entry.key, entry);
    for (const [key, entry] of this.#overlay) {
      if (compareKeys(key, startKey) < 0 || compareKeys(key, endKey) >= 0) continue;
      if (entry === null) merged.delete(key);
      else merged.set(key, entry);
    }
    for (const key of [...merged.keys()].sort(compareKeys))
      yield await Promise.resolve({ key, ...(merged.get(key) as StateEntry) });
  }

  /** Lays a transaction's writes over the state at their version. */
  apply(
    writes: readonly { readonly key: string; readonly value: Uint8Array | null }[],
    version: StateEntry['version'],
  ): void {
    for (const write of writes)
      this.#overlay.set(write.key, write.value === null ? null : { value: write.value, version });
  }
}
