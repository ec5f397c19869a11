/**
 * The aggregator's device directory: which devices exist and which business systems hold each.
 * The gateway's catalog subgraph answers `device(id)` from it, so an unknown identifier is `null`
 * rather than an empty shell.
 */
export type DeviceKind =
  'MODULE' | 'STRING' | 'COMBINER_BOX' | 'INVERTER' | 'TRANSFORMER' | 'METER' | 'OTHER';

/** What the directory knows about one device. */
export interface DirectoryEntry {
  readonly id: string;
  readonly kind: DeviceKind;
  /** Names of the business systems holding the device, sorted. */
  readonly heldBy: readonly string[];
}

/** Read access to the directory, batched. */
export interface DeviceDirectory {
  /** The entries of the identifiers that exist; unknown identifiers are absent from the map. */
  lookup(identifiers: readonly string[]): Promise<ReadonlyMap<string, DirectoryEntry>>;
}

/** A directory held in memory (tests, the in-process test network). */
export function createMemoryDirectory(entries: Iterable<DirectoryEntry>): DeviceDirectory {
  const byId = new Map<string, DirectoryEntry>();
  for (const entry of entries) byId.set(entry.id, { ...entry, heldBy: [...entry.heldBy].sort() });
  return {
    lookup: (identifiers) => {
      const found = new Map<string, DirectoryEntry>();
      for (const id of identifiers) {
        const entry = byId.get(id);
        if (entry) found.set(id, entry);
      }
      return Promise.resolve(found);
    },
  };
}
