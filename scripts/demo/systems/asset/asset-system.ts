import type { ShareableField, SubgraphDeclaration } from '../../../../subgraphs/index.js';
import type { Plant } from '../../plant/plant-model.js';
import {
  createIdentifierTable,
  reseed,
  sqliteBatchLoader,
  type SqliteDatabase,
} from '../sqlite-store.js';

/** The owner's fixed-asset register: whether each device is in service and what it is worth. */
export const ASSET_FIELDS: readonly ShareableField[] = [
  {
    name: 'assetStatus',
    type: 'AssetStatus',
    description: 'Whether the device is in service or scrapped.',
  },
  {
    name: 'assetValueFen',
    type: 'Int',
    description: 'Book value after straight-line depreciation (integer fen, 1 yuan = 100 fen).',
    unit: 'fen',
  },
  {
    name: 'acquisitionDate',
    type: 'String',
    description: 'Date the asset was acquired, ISO-8601 (YYYY-MM-DD).',
  },
  {
    name: 'scrappedDate',
    type: 'String',
    description: 'Date the asset was written off, if it was.',
  },
  { name: 'assetCategory', type: 'String', description: 'Fixed-asset category in the register.' },
];

const TYPE_DEFS = `
"""Status of a device in the fixed-asset register."""
enum AssetStatus {
  IN_SERVICE
  SCRAPPED
}`;

const DEPRECIATION_YEARS = 20;
const CATEGORY: Readonly<Record<string, string>> = {
  MODULE: 'PV generating equipment',
  INVERTER: 'Power conversion equipment',
  COMBINER_BOX: 'Power conversion equipment',
  TRANSFORMER: 'Substation equipment',
  METER: 'Metering equipment',
};

/** Creates the asset system's tables. */
export function createAssetTables(db: SqliteDatabase): void {
  createIdentifierTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS assets (
    asset_code TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('IN_SERVICE', 'SCRAPPED')),
    acquisition_date TEXT NOT NULL,
    original_value_fen INTEGER NOT NULL,
    book_value_fen INTEGER NOT NULL,
    scrapped_date TEXT
  ) STRICT`);
}

/** Registers every purchased device as a fixed asset; returns their identifiers. */
export function seedAsset(db: SqliteDatabase, plant: Plant): string[] {
  const held: string[] = [];
  reseed(db, ['device_identifiers', 'assets'], () => {
    const id = db.prepare(
      'INSERT INTO device_identifiers (identifier, local_code, kind) VALUES (?, ?, ?)',
    );
    const asset = db.prepare('INSERT INTO assets VALUES (?, ?, ?, ?, ?, ?, ?)');
    let n = 0;
    for (const device of plant.devices) {
      if (device.product === null) continue;
      const code = `FA-${device.commissioningDate.slice(2, 4)}-${String(++n).padStart(5, '0')}`;
      const price = device.product.unitPriceFen;
      const ageYears =
        (plant.now.getTime() - Date.parse(device.commissioningDate)) / (365.25 * 86_400_000);
      const book =
        device.scrappedAt !== null
          ? 0
          : Math.max(0, Math.round(price * (1 - ageYears / DEPRECIATION_YEARS)));
      id.run(device.id, code, device.kind);
      asset.run(
        code,
        CATEGORY[device.kind] ?? 'Other equipment',
        device.scrappedAt === null ? 'IN_SERVICE' : 'SCRAPPED',
        device.commissioningDate,
        price,
        book,
        device.scrappedAt,
      );
      held.push(device.id);
    }
  });
  return held;
}

/** The asset system's subgraph declaration over its database. */
export function declareAsset(db: SqliteDatabase): SubgraphDeclaration {
  return {
    name: 'asset',
    title: "the owner's asset register",
    fields: ASSET_FIELDS,
    typeDefs: TYPE_DEFS,
    loadDevices: sqliteBatchLoader(
      db,
      `
      SELECT i.identifier, a.status AS assetStatus, a.book_value_fen AS assetValueFen,
             a.acquisition_date AS acquisitionDate, a.scrapped_date AS scrappedDate, a.category AS assetCategory
      FROM json_each(?) AS j
      JOIN device_identifiers AS i ON i.identifier = j.value
      JOIN assets AS a ON a.asset_code = i.local_code`,
    ),
  };
}
