import type { StateEntry, WorldStateReader } from '../../../ledger-adapter/index.js';

/** A write to apply: a value, or null to delete the key. */
export interface StateWrite {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** The peer's committed world state, in memory: key -> value and the version that wrote it. */
export interface WorldState extends WorldStateReader {
  /** The version of `key`, or null when it does not exist. */
  versionOf(key: string): StateEntry['version'] | null;
  /** Applies one valid transaction's writes at version (blockNumber, txNumber). */
  apply(writes: readonly StateWrite[], version: StateEntry['version']): void;
}

/**
 * Creates an empty in-memory world state. Keys are ordered by their UTF-8 bytes, as Fabric's
 * state databases order them, so range reads return what a real peer would return.
 */
export function createWorldState(): WorldState {
  const entries = new Map<string, StateEntry>();
  return {
    get(key) {
      return Promise.resolve(entries.get(key));
    },
    async *range(startKey, endKey) {
      const start = Buffer.from(startKey);
      const end = endKey === '' ? undefined : Buffer.from(endKey);
      const keys = [...entries.keys()]
        .map((key) => ({ key, bytes: Buffer.from(key) }))
        .filter(
          ({ bytes }) =>
            Buffer.compare(bytes, start) >= 0 &&
            (end === undefined || Buffer.compare(bytes, end) < 0),
        )
        .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
      for (const { key } of keys) {
        const entry = entries.get(key);
        if (entry !== undefined) yield { key, ...entry };
        await Promise.resolve();
      }
    },
    versionOf(key) {
      return entries.get(key)?.version ?? null;
    },
    apply(writes, version) {
      for (const { key, value } of writes) {
        if (value === null) entries.delete(key);
        else entries.set(key, { value: Uint8Array.from(value), version });
      }
    },
  };
}
