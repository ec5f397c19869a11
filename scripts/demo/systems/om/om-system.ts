import type { ShareableField, SubgraphDeclaration } from '../../../../subgraphs/index.js';
import type { Plant, PlantDevice } from '../../plant/plant-model.js';
import { createRandom } from '../../plant/random.js';
import {
  createIdentifierTable,
  reseed,
  sqliteBatchLoader,
  type SqliteDatabase,
} from '../sqlite-store.js';

/** The O&M contractor's system: the maintenance history of every device it looks after. */
export const OM_FIELDS: readonly ShareableField[] = [
  {
    name: 'maintenanceRecords',
    type: '[OmMaintenanceRecord!]',
    description: 'Work orders on the device, oldest first.',
  },
  {
    name: 'lastMaintenanceAt',
    type: 'String',
    description: 'Time of the latest work order, ISO-8601 UTC.',
  },
  {
    name: 'openFault',
    type: 'String',
    description: 'The fault of a work order still open, if any.',
  },
];

const TYPE_DEFS = `
"""One O&M work order."""
type OmMaintenanceRecord {
  "When the work was done (or the fault was reported, for open orders), ISO-8601 UTC."
  time: String!
  "The fault found, or null for routine work."
  fault: String
  "The technician in charge."
  technician: String!
  "What was done; null while the order is open."
  remedy: String
}`;

const TECHNICIANS = ['Wang Lei', 'Li Na', 'Zhang Wei', 'Liu Yang', 'Chen Jie', 'Ma Xiaoling'];

/** Creates the O&M system's tables. */
export function createOmTables(db: SqliteDatabase): void {
  createIdentifierTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS work_orders (
    id INTEGER PRIMARY KEY,
    om_code TEXT NOT NULL,
    at TEXT NOT NULL,
    fault TEXT,
    technician TEXT NOT NULL,
    remedy TEXT
  ) STRICT;
  CREATE INDEX IF NOT EXISTS work_orders_by_device ON work_orders (om_code, at)`);
}

/** Looks after every device of the plant and writes its work orders; returns the identifiers. */
export function seedOm(db: SqliteDatabase, plant: Plant): string[] {
  const random = createRandom(7);
  const held: string[] = [];
  reseed(db, ['device_identifiers', 'work_orders'], () => {
    const id = db.prepare(
      'INSERT INTO device_identifiers (identifier, local_code, kind) VALUES (?, ?, ?)',
    );
    const order = db.prepare(
      'INSERT INTO work_orders (om_code, at, fault, technician, remedy) VALUES (?, ?, ?, ?, ?)',
    );
    let n = 0;
    for (const device of plant.devices) {
      const code = `OM-${String(++n).padStart(5, '0')}`;
      id.run(device.id, code, device.kind);
      held.push(device.id);
      for (const o of workOrders(device, plant))
        order.run(code, o.time, o.fault, random.pick(TECHNICIANS), o.remedy);
    }
  });
  return held;
}

interface WorkOrder {
  readonly time: string;
  readonly fault: string | null;
  readonly remedy: string | null;
}

function workOrders(device: PlantDevice, plant: Plant): WorkOrder[] {
  const orders: WorkOrder[] = [];
  const routine = (year: number, remedy: string): void => {
    const time = `${year}-06-1${device.block ?? 0}T02:30:00.000Z`;
    if (
      time < plant.now.toISOString() &&
      (device.scrappedAt === null || time.slice(0, 10) < device.scrappedAt)
    )
      orders.push({ time, fault: null, remedy });
  };
  if (device.kind === 'COMBINER_BOX')
    for (const y of [2024, 2025, 2026])
      routine(
        y,
        'Annual inspection: fuses, surge arresters and terminals checked, torque re-applied.',
      );
  if (device.kind === 'INVERTER')
    for (const y of [2024, 2025, 2026])
      routine(y, 'Annual inspection: fans and filters cleaned, firmware checked.');
  if (device.kind === 'TRANSFORMER')
    for (const y of [2024, 2025, 2026])
      routine(y, 'Oil sample analysed (DGA normal); bushings cleaned.');
  if (device.scrappedAt !== null) {
    const inverter = device.kind === 'INVERTER';
    orders.push({
      time: `${device.scrappedAt}T03:00:00.000Z`,
      fault: inverter
        ? 'IGBT module failure; inverter tripped with fault code 2031.'
        : 'Hot spot of 38 K found by infrared drone survey; cracked cell.',
      remedy: `${inverter ? 'Inverter' : 'Module'} replaced with ${device.replacedBy ?? 'a new unit'}; old unit scrapped.`,
    });
  }
  if (device.openFault)
    orders.push({
      time: device.openFault.since,
      fault: device.openFault.description,
      remedy: null,
    });
  return orders;
}

/** The O&M system's subgraph over its database. */
export function declareOm(db: SqliteDatabase): SubgraphDeclaration {
  return {
    name: 'om',
    title: "the O&M contractor's system",
    fields: OM_FIELDS,
    typeDefs: TYPE_DEFS,
    loadDevices: sqliteBatchLoader(
      db,
      `SELECT i.identifier,
              (SELECT json_group_array(json_object('time', w.at, 'fault', w.fault, 'technician', w.technician, 'remedy', w.remedy))
                 FROM (SELECT * FROM work_orders WHERE om_code = i.local_code ORDER BY at) AS w) AS records,
              (SELECT max(at) FROM work_orders WHERE om_code = i.local_code) AS lastMaintenanceAt,
              (SELECT fault FROM work_orders WHERE om_code = i.local_code AND remedy IS NULL ORDER BY at DESC LIMIT 1) AS openFault
       FROM json_each(?) AS j
       JOIN device_identifiers AS i ON i.identifier = j.value`,
      ({ records, ...row }) => ({
        ...row,
        maintenanceRecords: JSON.parse(String(records)) as unknown,
      }),
    ),
  };
}
