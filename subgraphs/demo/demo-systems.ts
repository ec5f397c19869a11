import type { Subgraph } from '../index.js';
import type { Plant } from './plant/plant-model.js';
import { DEMO_PREFIXES } from './plant/plant-model.js';
import type { SqliteDatabase } from './sqlite-store.js';
import { createAssetSubgraph, createAssetTables, seedAsset } from './asset/asset-system.js';
import { createConstructionSubgraph, createConstructionTables, seedConstruction } from './construction/construction-system.js';
import { createMonitoringSubgraph, createMonitoringTables, seedMonitoring } from './monitoring/monitoring-system.js';
import { createOmSubgraph, createOmTables, seedOm } from './om/om-system.js';
import { createProductionSubgraph, createProductionTables, seedProduction } from './production/production-system.js';

/** One demo business system: its identity, its database and its subgraph. */
export interface DemoSystem {
  readonly name: keyof typeof DEMO_PREFIXES;
  readonly title: string;
  /** Its system identifier code, the prefix of the identifiers it issues. */
  readonly prefix: string;
  /** Offset from the demo's base port (the gateway listens on the base port itself). */
  readonly portOffset: number;
  createTables(db: SqliteDatabase): void;
  /** Writes its slice of the plant; returns the identifiers of the devices it holds. */
  seed(db: SqliteDatabase, plant: Plant): string[];
  createSubgraph(db: SqliteDatabase): Subgraph;
}

/** The five business systems of the PV full-lifecycle example (patent [0069]-[0074]). */
export const DEMO_SYSTEMS: readonly DemoSystem[] = [
  { name: 'production', title: "Maker's production system", prefix: DEMO_PREFIXES.production, portOffset: 1, createTables: createProductionTables, seed: seedProduction, createSubgraph: createProductionSubgraph },
  { name: 'construction', title: 'Construction system', prefix: DEMO_PREFIXES.construction, portOffset: 2, createTables: createConstructionTables, seed: seedConstruction, createSubgraph: createConstructionSubgraph },
  { name: 'monitoring', title: 'Plant real-time monitoring system', prefix: DEMO_PREFIXES.monitoring, portOffset: 3, createTables: createMonitoringTables, seed: seedMonitoring, createSubgraph: createMonitoringSubgraph },
  { name: 'om', title: 'O&M system', prefix: DEMO_PREFIXES.om, portOffset: 4, createTables: createOmTables, seed: seedOm, createSubgraph: createOmSubgraph },
  { name: 'asset', title: 'Asset system', prefix: DEMO_PREFIXES.asset, portOffset: 5, createTables: createAssetTables, seed: seedAsset, createSubgraph: createAssetSubgraph },
];

/** Finds a demo system by name. */
export function demoSystem(name: string): DemoSystem | undefined {
  return DEMO_SYSTEMS.find((s) => s.name === name);
}
