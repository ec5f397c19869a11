import type { ShareableField, SubgraphDeclaration } from '../../../../subgraphs/index.js';
import type { Plant } from '../../plant/plant-model.js';
import {
  createIdentifierTable,
  reseed,
  sqliteBatchLoader,
  type SqliteDatabase,
} from '../sqlite-store.js';

/** The grid company's construction (基建) system: where each device was installed, and how. */
export const CONSTRUCTION_FIELDS: readonly ShareableField[] = [
  {
    name: 'installLocation',
    type: 'String',
    description: 'Where the device is installed within the plant.',
  },
  { name: 'latitude', type: 'Float', description: 'Installed latitude (WGS 84).', unit: '°' },
  { name: 'longitude', type: 'Float', description: 'Installed longitude (WGS 84).', unit: '°' },
  {
    name: 'commissioningDate',
    type: 'String',
    description: 'Date the device was commissioned, ISO-8601 (YYYY-MM-DD).',
  },
  {
    name: 'tiltDeg',
    type: 'Float',
    description: 'Mounting tilt from horizontal (modules and strings).',
    unit: '°',
  },
  {
    name: 'azimuthDeg',
    type: 'Float',
    description: 'Mounting azimuth, 180 = due south (modules and strings).',
    unit: '°',
  },
  {
    name: 'designCapacityW',
    type: 'Float',
    description: 'Design DC capacity connected through the device.',
    unit: 'W',
  },
  {
    name: 'decommissioningDate',
    type: 'String',
    description: 'Date the device was removed from the plant, if it was.',
  },
];

/** Creates the construction system's tables. */
export function createConstructionTables(db: SqliteDatabase): void {
  createIdentifierTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS installations (
    construction_code TEXT PRIMARY KEY,
    install_location TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    commissioning_date TEXT NOT NULL,
    tilt_deg REAL,
    azimuth_deg REAL,
    design_capacity_w REAL,
    decommissioning_date TEXT
  ) STRICT`);
}

/** Records every device ever installed; returns their identifiers. */
export function seedConstruction(db: SqliteDatabase, plant: Plant): string[] {
  const capacity = designCapacities(plant);
  const held: string[] = [];
  reseed(db, ['device_identifiers', 'installations'], () => {
    const id = db.prepare(
      'INSERT INTO device_identifiers (identifier, local_code, kind) VALUES (?, ?, ?)',
    );
    const row = db.prepare('INSERT INTO installations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    let n = 0;
    for (const device of plant.devices) {
      // Strings are the construction system's own devices: their identifier embeds this code.
      const code = device.kind === 'STRING' ? device.ownCode : `CN-${String(++n).padStart(5, '0')}`;
      const mounted = device.kind === 'MODULE' || device.kind === 'STRING';
      id.run(device.id, code, device.kind);
      row.run(
        code,
        device.location,
        device.latitude,
        device.longitude,
        device.commissioningDate,
        mounted ? 30 : null,
        mounted ? 180 : null,
        capacity.get(device.id) ?? null,
        device.scrappedAt,
      );
      held.push(device.id);
    }
  });
  return held;
}

/** DC capacity behind each device: a module's rating, summed up the electrical tree. */
function designCapacities(plant: Plant): Map<string, number> {
  const capacity = new Map<string, number>();
  for (const device of plant.devices) {
    if (device.kind !== 'MODULE' || device.scrappedAt !== null) continue;
    const watts = device.product?.ratedPowerW ?? 0;
    capacity.set(device.id, watts);
    for (
      let parent = device.parentId;
      parent !== null;
      parent = plant.byId.get(parent)?.parentId ?? null
    ) {
      capacity.set(parent, (capacity.get(parent) ?? 0) + watts);
    }
  }
  return capacity;
}

/** The construction system's subgraph declaration over its database. */
export function declareConstruction(db: SqliteDatabase): SubgraphDeclaration {
  return {
    name: 'construction',
    title: "the grid company's construction system",
    fields: CONSTRUCTION_FIELDS,
    loadDevices: sqliteBatchLoader(
      db,
      `
      SELECT i.identifier, c.install_location AS installLocation, c.latitude, c.longitude,
             c.commissioning_date AS commissioningDate, c.tilt_deg AS tiltDeg, c.azimuth_deg AS azimuthDeg,
             c.design_capacity_w AS designCapacityW, c.decommissioning_date AS decommissioningDate
      FROM json_each(?) AS j
      JOIN device_identifiers AS i ON i.identifier = j.value
      JOIN installations AS c ON c.construction_code = i.local_code`,
    ),
  };
}
