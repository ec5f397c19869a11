import type { ShareableField, SubgraphDeclaration } from '../../../../subgraphs/index.js';
import type { Plant } from '../../plant/plant-model.js';
import { MONITORED_KINDS, readingsAt } from '../../plant/telemetry.js';
import {
  createIdentifierTable,
  reseed,
  sqliteBatchLoader,
  type SqliteDatabase,
} from '../sqlite-store.js';

/** The plant's real-time monitoring (SCADA) system: the latest reading of each watched device. */
// Readings change between anchors by nature: released marked unverified until the next pass anchors them.
const LIVE = { changePolicy: 'release-unverified' } as const;

export const MONITORING_FIELDS: readonly ShareableField[] = [
  {
    name: 'operatingStatus',
    type: 'MonitoringStatus',
    description: 'Operating state at the last reading.',
    ...LIVE,
  },
  {
    name: 'outputPowerW',
    type: 'Float',
    description: 'Output power at the last reading (AC for inverters and beyond, DC before).',
    unit: 'W',
    ...LIVE,
  },
  {
    name: 'voltageV',
    type: 'Float',
    description: 'Output voltage at the last reading.',
    unit: 'V',
    ...LIVE,
  },
  {
    name: 'currentA',
    type: 'Float',
    description: 'Output current at the last reading.',
    unit: 'A',
    ...LIVE,
  },
  {
    name: 'temperatureC',
    type: 'Float',
    description: 'Device temperature at the last reading (module temperature for strings).',
    unit: '°C',
    ...LIVE,
  },
  {
    name: 'energyTodayKWh',
    type: 'Float',
    description: 'Energy produced since local midnight, at the last reading.',
    unit: 'kWh',
    ...LIVE,
  },
  {
    name: 'lastReadingAt',
    type: 'String',
    description: 'Time of the last reading, ISO-8601 UTC.',
    ...LIVE,
  },
];

const TYPE_DEFS = `
"""Operating state reported by the plant monitoring system."""
enum MonitoringStatus {
  "Producing power."
  RUNNING
  "Healthy, waiting for enough light."
  STANDBY
  "Tripped or isolated by a fault."
  FAULT
  "Removed from service; the last reading is from its final day."
  DECOMMISSIONED
}`;

/** The reading interval of the demo monitoring system. */
export const READING_INTERVAL_MS = 15 * 60_000;

/** Creates the monitoring system's tables. */
export function createMonitoringTables(db: SqliteDatabase): void {
  createIdentifierTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS readings (
    tag TEXT NOT NULL,
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    output_power_w REAL,
    voltage_v REAL,
    current_a REAL,
    temperature_c REAL,
    energy_today_kwh REAL,
    PRIMARY KEY (tag, at)
  ) STRICT, WITHOUT ROWID`);
}

/** Tag naming in the SCADA: plant, block, device. */
function scadaTag(kind: string, ownCode: string, block: number | null): string {
  return `HLS1.${block === null ? 'SUB' : `B${block}`}.${kind === 'STRING' ? ownCode.replace(/^STR-B\d+-/, '') : ownCode}`;
}

/**
 * Records a day of readings (every 15 minutes up to the plant's `now`) for every watched device;
 * returns their identifiers.
 */
export function seedMonitoring(db: SqliteDatabase, plant: Plant): string[] {
  const watched = plant.devices.filter((d) => MONITORED_KINDS.has(d.kind));
  const end = Math.floor(plant.now.getTime() / READING_INTERVAL_MS) * READING_INTERVAL_MS;
  const offsetMs = plant.utcOffsetHours * 3_600_000;
  const energy = new Map<string, { day: number; kwh: number }>();
  reseed(db, ['device_identifiers', 'readings'], () => {
    const id = db.prepare(
      'INSERT INTO device_identifiers (identifier, local_code, kind) VALUES (?, ?, ?)',
    );
    const reading = db.prepare('INSERT OR REPLACE INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const device of watched)
      id.run(device.id, scadaTag(device.kind, device.ownCode, device.block), device.kind);
    for (let t = end - 24 * 3_600_000; t <= end; t += READING_INTERVAL_MS) {
      const localDay = Math.floor((t + offsetMs) / 86_400_000);
      for (const [identifier, r] of readingsAt(plant, new Date(t))) {
        const device = plant.byId.get(identifier);
        if (!device) continue;
        const acc = energy.get(identifier);
        const kwh =
          (acc && acc.day === localDay ? acc.kwh : 0) +
          ((r.outputPowerW ?? 0) * READING_INTERVAL_MS) / 3_600_000 / 1000;
        energy.set(identifier, { day: localDay, kwh });
        const decommissioned = r.status === 'DECOMMISSIONED';
        reading.run(
          scadaTag(device.kind, device.ownCode, device.block),
          r.at,
          r.status,
          r.outputPowerW,
          r.voltageV,
          r.currentA,
          r.temperatureC,
          decommissioned ? null : Math.round(kwh * 100) / 100,
        );
      }
    }
  });
  return watched.map((d) => d.id);
}

/** The monitoring system's subgraph: the latest reading per device. */
export function declareMonitoring(db: SqliteDatabase): SubgraphDeclaration {
  return {
    name: 'monitoring',
    title: "the plant's real-time monitoring system",
    fields: MONITORING_FIELDS,
    typeDefs: TYPE_DEFS,
    loadDevices: sqliteBatchLoader(
      db,
      `
      SELECT i.identifier, r.status AS operatingStatus, r.output_power_w AS outputPowerW, r.voltage_v AS voltageV,
             r.current_a AS currentA, r.temperature_c AS temperatureC, r.energy_today_kwh AS energyTodayKWh,
             r.at AS lastReadingAt
      FROM json_each(?) AS j
      JOIN device_identifiers AS i ON i.identifier = j.value
      JOIN readings AS r ON r.tag = i.local_code
       AND r.at = (SELECT max(at) FROM readings WHERE tag = i.local_code)`,
    ),
  };
}
