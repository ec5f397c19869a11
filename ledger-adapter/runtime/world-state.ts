import type { StateEntry, WorldStateReader } from '../contract-runtime.js';

/** Byte order of UTF-8 strings, the order Fabric's state databases and SQLite's BINARY collation use. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * An in-memory world state: for tests, and for replaying a chain. `apply` writes a transaction's
 * write set at its version.
 */
export class MemoryWorldState implements WorldStateReader {
  readonly #entries = new Map<string, StateEntry>();

  get(key: string): Promise<StateEntry | undefined> {
    return Promise.resolve(this.#entries.get(key));
  }

  async *range(
    startKey: string,
    endKey: string,
  ): AsyncIterable<{ readonly key: string } & StateEntry> {
    const keys = [...this.#entries.keys()]
      .filter((k) => compareKeys(k, startKey) >= 0 && compareKeys(k, endKey) < 0)
      .sort(compareKeys);
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry) yield { key, ...entry };
    }
    return Promise.resolve();
  }

  apply(
    writes: readonly { readonly key: string; readonly value: Uint8Array | null }[],
    version: StateEntry['version'],
  ): void {
    for (const write of writes) {
      if (write.value === null) this.#entries.delete(write.key);
      else this.#entries.set(write.key, { value: write.value, version });
    }
  }

  /** Every entry in key order. */
  entries(): [string, StateEntry][] {
    return [...this.#entries.entries()].sort(([a], [b]) => compareKeys(a, b));
  }
}
