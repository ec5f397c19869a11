import { join } from 'node:path';
import { DEMO_SYSTEMS, listIdentifierHoldings, openSystemDatabase } from '../demo/index.js';

/** The devices the soak asks for, read from the seeded plant. */
export interface DevicePools {
  /** Devices every business system holds (inverters, combiner boxes, the transformer, the meter): a query of all 14 fields. */
  readonly everywhere: readonly string[];
  /** PV modules: held by production, construction, O&M and the asset register. */
  readonly modules: readonly string[];
}

/**
 * Reads which devices each demo system holds from its database in `dataDir` (read-only) and
 * returns the soak's pools.
 */
export function readDevicePools(dataDir: string): DevicePools {
  const heldBy = new Map<string, { kind: string; systems: number }>();
  for (const system of DEMO_SYSTEMS) {
    const db = openSystemDatabase(join(dataDir, `${system.name}.db`), { readonly: true });
    try {
      for (const h of listIdentifierHoldings(db)) {
        const known = heldBy.get(h.identifier);
        heldBy.set(h.identifier, { kind: h.kind, systems: (known?.systems ?? 0) + 1 });
      }
    } finally {
      db.close();
    }
  }
  const everywhere = [...heldBy]
    .filter(([, d]) => d.systems === DEMO_SYSTEMS.length)
    .map(([id]) => id);
  const modules = [...heldBy].filter(([, d]) => d.kind === 'MODULE').map(([id]) => id);
  if (everywhere.length === 0 || modules.length === 0)
    throw new Error(`the demo plant in ${dataDir} has no devices for the soak`);
  return { everywhere, modules };
}
