import {
  defineSubgraph,
  type Subgraph,
  type SubgraphDeclaration,
  type SubgraphOptions,
} from '../../../subgraphs/index.js';
import type { Plant } from '../plant/plant-model.js';
import { DEMO_PREFIXES } from '../plant/plant-model.js';
import type { SqliteDatabase } from './sqlite-store.js';
import { declareAsset, createAssetTables, seedAsset } from './asset/asset-system.js';
import {
  declareConstruction,
  createConstructionTables,
  seedConstruction,
} from './construction/construction-system.js';
import {
  declareMonitoring,
  createMonitoringTables,
  seedMonitoring,
} from './monitoring/monitoring-system.js';
import { declareOm, createOmTables, seedOm } from './om/om-system.js';
import {
  declareProduction,
  createProductionTables,
  seedProduction,
} from './production/production-system.js';

/** One demo business system: its identity, its database and its subgraph. */
export interface DemoSystem {
  readonly name: keyof typeof DEMO_PREFIXES;
  readonly title: string;
  /** Its system identifier code, the prefix of the identifiers it issues. */
  readonly prefix: string;
  /** Offset from the demo's base port (the gateway listens on the base port itself). */
  readonly portOffset: number;
  /** The enterprise that runs it, as it registers: name and unified social credit code. */
  readonly enterprise: { readonly name: string; readonly creditCode: string };
  readonly description: string;
  /** Fee standard per use of each shareable field, integer fen (patent claim 5). */
  readonly feesFen: Readonly<Record<string, number>>;
  createTables(db: SqliteDatabase): void;
  /** Writes its slice of the plant; returns the identifiers of the devices it holds. */
  seed(db: SqliteDatabase, plant: Plant): string[];
  /** The system's declaration over its database: fields and batch loader. */
  declare(db: SqliteDatabase): SubgraphDeclaration;
  createSubgraph(db: SqliteDatabase, options?: SubgraphOptions): Subgraph;
}

const SYSTEMS: readonly Omit<DemoSystem, 'createSubgraph'>[] = [
  {
    name: 'production',
    title: "Maker's production system",
    prefix: DEMO_PREFIXES.production,
    portOffset: 1,
    enterprise: { name: 'Luxsolar Energy Technology Co., Ltd.', creditCode: '91320500MA1N7PXK3R' },
    description:
      'Product master data of PV modules, inverters, combiner boxes, transformers and meters.',
    feesFen: {
      deviceCode: 1,
      productName: 1,
      model: 1,
      brand: 1,
      productionDate: 1,
      ratedPowerW: 2,
      warrantyYears: 1,
    },
    createTables: createProductionTables,
    seed: seedProduction,
    declare: declareProduction,
  },
  {
    name: 'construction',
    title: 'Construction system',
    prefix: DEMO_PREFIXES.construction,
    portOffset: 2,
    enterprise: { name: 'Ningxia Grid Construction Co., Ltd.', creditCode: '91640100MA76D2W859' },
    description: "Installation and commissioning records of the plant's equipment.",
    feesFen: {
      installLocation: 2,
      latitude: 1,
      longitude: 1,
      commissioningDate: 2,
      tiltDeg: 1,
      azimuthDeg: 1,
      designCapacityW: 2,
      decommissioningDate: 2,
    },
    createTables: createConstructionTables,
    seed: seedConstruction,
    declare: declareConstruction,
  },
  {
    name: 'monitoring',
    title: 'Plant real-time monitoring system',
    prefix: DEMO_PREFIXES.monitoring,
    portOffset: 3,
    enterprise: { name: 'Helan Shan Solar Power Co., Ltd.', creditCode: '91640100MA77LQ3F21' },
    description:
      'Real-time readings of strings, combiner boxes, inverters, the transformer and the meter.',
    feesFen: {
      operatingStatus: 3,
      outputPowerW: 5,
      voltageV: 3,
      currentA: 3,
      temperatureC: 3,
      energyTodayKWh: 5,
      lastReadingAt: 1,
    },
    createTables: createMonitoringTables,
    seed: seedMonitoring,
    declare: declareMonitoring,
  },
  {
    name: 'om',
    title: 'O&M system',
    prefix: DEMO_PREFIXES.om,
    portOffset: 4,
    enterprise: { name: 'Xibei Solar O&M Services Co., Ltd.', creditCode: '91640000MA75H8N015' },
    description: 'Maintenance work orders of every device the contractor looks after.',
    feesFen: { maintenanceRecords: 8, lastMaintenanceAt: 2, openFault: 4 },
    createTables: createOmTables,
    seed: seedOm,
    declare: declareOm,
  },
  {
    name: 'asset',
    title: 'Asset system',
    prefix: DEMO_PREFIXES.asset,
    portOffset: 5,
    enterprise: {
      name: 'Helan Shan Solar Asset Management Co., Ltd.',
      creditCode: '91640100MA77LQ4A3L',
    },
    description: "The owner's fixed-asset register of the plant.",
    feesFen: {
      assetStatus: 2,
      assetValueFen: 5,
      acquisitionDate: 1,
      scrappedDate: 1,
      assetCategory: 1,
    },
    createTables: createAssetTables,
    seed: seedAsset,
    declare: declareAsset,
  },
];

/** The five business systems of the PV full-lifecycle example (patent [0069]-[0074]). */
export const DEMO_SYSTEMS: readonly DemoSystem[] = SYSTEMS.map((system) => ({
  ...system,
  createSubgraph: (db, options) => defineSubgraph(system.declare(db), options),
}));

/** Finds a demo system by name. */
export function demoSystem(name: string): DemoSystem | undefined {
  return DEMO_SYSTEMS.find((s) => s.name === name);
}
