import { join } from 'node:path';
import { DEMO_SYSTEMS, type DemoSystem } from './demo-systems.js';
import {
  buildPlant,
  type DeviceKind,
  type Plant,
  type PlantOptions,
} from '../plant/plant-model.js';
import { openSystemDatabase, type SqliteDatabase } from './sqlite-store.js';

/** A seeded demo system and its open database. */
export interface SeededSystem {
  readonly system: DemoSystem;
  readonly db: SqliteDatabase;
}

/** Who holds which device, for the aggregator's directory. */
export interface Holding {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly heldBy: readonly string[];
}

/** The outcome of seeding. */
export interface SeededDemo {
  readonly plant: Plant;
  readonly systems: readonly SeededSystem[];
  readonly holdings: readonly Holding[];
  close(): void;
}

/**
 * Builds the demo plant and writes each business system's slice into its own SQLite database:
 * `<dataDir>/<system>.db`, or in memory when `dataDir` is omitted.
 */
export function seedDemo(
  options: { readonly dataDir?: string; readonly plant?: PlantOptions } = {},
): SeededDemo {
  const plant = buildPlant(options.plant);
  const heldBy = new Map<string, string[]>();
  const systems = DEMO_SYSTEMS.map((system) => {
    const db = openSystemDatabase(
      options.dataDir === undefined ? ':memory:' : join(options.dataDir, `${system.name}.db`),
    );
    system.createTables(db);
    for (const id of system.seed(db, plant))
      heldBy.set(id, [...(heldBy.get(id) ?? []), system.name]);
    return { system, db };
  });
  const holdings = plant.devices.map((d) => ({
    id: d.id,
    kind: d.kind,
    heldBy: (heldBy.get(d.id) ?? []).sort(),
  }));
  return { plant, systems, holdings, close: () => systems.forEach((s) => s.db.close()) };
}
