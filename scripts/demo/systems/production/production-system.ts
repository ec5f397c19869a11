import type { ShareableField, SubgraphDeclaration } from '../../../../subgraphs/index.js';
import type { Plant } from '../../plant/plant-model.js';
import {
  createIdentifierTable,
  reseed,
  sqliteBatchLoader,
  type SqliteDatabase,
} from '../sqlite-store.js';

/** The maker's production system: what each manufactured device is and when it was made. */
export const PRODUCTION_FIELDS: readonly ShareableField[] = [
  { name: 'deviceCode', type: 'String', description: "The maker's serial number of the device." },
  { name: 'productName', type: 'String', description: 'Product name as sold.' },
  { name: 'model', type: 'String', description: "The maker's model designation." },
  { name: 'brand', type: 'String', description: 'Brand under which the device was sold.' },
  {
    name: 'productionDate',
    type: 'String',
    description: 'Date of manufacture, ISO-8601 (YYYY-MM-DD).',
  },
  {
    name: 'ratedPowerW',
    type: 'Float',
    description: 'Nameplate rated power (apparent power for transformers).',
    unit: 'W',
  },
  {
    name: 'warrantyYears',
    type: 'Int',
    description: "Length of the maker's product warranty.",
    unit: 'a',
  },
];

/** Creates the production system's tables. */
export function createProductionTables(db: SqliteDatabase): void {
  createIdentifierTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS products (
    serial TEXT PRIMARY KEY,
    product_name TEXT NOT NULL,
    model TEXT NOT NULL,
    brand TEXT NOT NULL,
    production_date TEXT NOT NULL,
    rated_power_w REAL,
    warranty_years INTEGER NOT NULL
  ) STRICT`);
}

/** Fills the production system with the plant's manufactured devices; returns their identifiers. */
export function seedProduction(db: SqliteDatabase, plant: Plant): string[] {
  const held: string[] = [];
  reseed(db, ['device_identifiers', 'products'], () => {
    const id = db.prepare(
      'INSERT INTO device_identifiers (identifier, local_code, kind) VALUES (?, ?, ?)',
    );
    const product = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const device of plant.devices) {
      if (device.product === null || device.productionDate === null) continue;
      id.run(device.id, device.ownCode, device.kind);
      product.run(
        device.ownCode,
        device.product.productName,
        device.product.model,
        device.product.brand,
        device.productionDate,
        device.product.ratedPowerW,
        device.product.warrantyYears,
      );
      held.push(device.id);
    }
  });
  return held;
}

/** The production system's subgraph declaration over its database. */
export function declareProduction(db: SqliteDatabase): SubgraphDeclaration {
  return {
    name: 'production',
    title: "the maker's production system",
    fields: PRODUCTION_FIELDS,
    loadDevices: sqliteBatchLoader(
      db,
      `
      SELECT i.identifier, p.serial AS deviceCode, p.product_name AS productName, p.model, p.brand,
             p.production_date AS productionDate, p.rated_power_w AS ratedPowerW, p.warranty_years AS warrantyYears
      FROM json_each(?) AS j
      JOIN device_identifiers AS i ON i.identifier = j.value
      JOIN products AS p ON p.serial = i.local_code`,
    ),
  };
}
