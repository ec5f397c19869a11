import { hashUnit } from './random.js';
import { ambientTemperatureC, irradianceWm2, sunElevationDeg } from './solar.js';
import type { Plant, PlantDevice } from './plant-model.js';

/** What a monitoring system reads from a device at one instant. */
export interface Reading {
  readonly at: string;
  readonly status: 'RUNNING' | 'STANDBY' | 'FAULT' | 'DECOMMISSIONED';
  readonly outputPowerW: number | null;
  readonly voltageV: number | null;
  readonly currentA: number | null;
  readonly temperatureC: number | null;
}

/** Kinds a plant monitoring system watches; modules are watched through their strings. */
export const MONITORED_KINDS = new Set([
  'STRING',
  'COMBINER_BOX',
  'INVERTER',
  'TRANSFORMER',
  'METER',
]);

const MODULE_VMP_V = 41.7;
const TEMP_COEFF_POWER = -0.0035;
const INVERTER_EFFICIENCY = 0.984;
const INVERTER_AC_V = 800;
const GRID_V = 35_000;

/**
 * Readings of every monitored device at `at`, computed bottom-up from the sun: strings from
 * irradiance and module temperature, combiner boxes and inverters from their strings, the
 * transformer and meter from the inverters. Scrapped devices read as decommissioned at the time
 * they were scrapped; a faulty string is isolated and produces nothing.
 */
export function readingsAt(plant: Plant, at: Date): Map<string, Reading> {
  const readings = new PlantReadings(plant, skyAt(plant, at));
  for (const device of plant.devices) readings.read(device);
  return readings.all;
}

/** The sky over the plant at one instant, and what it does to the modules. */
interface Sky {
  readonly stamp: string;
  readonly irradiance: number;
  readonly ambient: number;
  readonly moduleTemp: number;
  readonly daylight: boolean;
}

function skyAt(plant: Plant, at: Date): Sky {
  const stamp = at.toISOString();
  const dayKey = stamp.slice(0, 10);
  // Cloudiness varies by day and drifts within the day; the whole plant sees the same sky.
  const clearness =
    0.55 + 0.4 * hashUnit(`sky:${dayKey}`) + 0.05 * Math.sin(at.getTime() / 2_700_000);
  const elevation = sunElevationDeg(at, plant.latitude, plant.longitude);
  const irradiance = irradianceWm2(elevation, Math.min(1, clearness));
  const ambient = ambientTemperatureC(at, plant.utcOffsetHours);
  return {
    stamp,
    irradiance,
    ambient,
    moduleTemp: ambient + 0.03 * irradiance,
    daylight: irradiance > 15,
  };
}

/** The devices in service that feed each device, by its id. */
function feedersOf(plant: Plant): Map<string, PlantDevice[]> {
  const children = new Map<string, PlantDevice[]>();
  for (const device of plant.devices) {
    // The meter hangs off the transformer but measures its output rather than feeding it.
    if (device.parentId === null || device.scrappedAt !== null || device.kind === 'METER') continue;
    const list = children.get(device.parentId) ?? [];
    list.push(device);
    children.set(device.parentId, list);
  }
  return children;
}

/** The plant's readings at one instant, each device read once, after the devices feeding it. */
class PlantReadings {
  readonly all = new Map<string, Reading>();
  readonly #plant: Plant;
  readonly #sky: Sky;
  readonly #feeders: Map<string, PlantDevice[]>;

  constructor(plant: Plant, sky: Sky) {
    this.#plant = plant;
    this.#sky = sky;
    this.#feeders = feedersOf(plant);
  }

  read(device: PlantDevice): Reading | undefined {
    const cached = this.all.get(device.id);
    if (cached) return cached;
    const reading = this.#compute(device);
    if (reading) this.all.set(device.id, reading);
    return reading;
  }

  #compute(device: PlantDevice): Reading | undefined {
    if (!MONITORED_KINDS.has(device.kind)) return undefined;
    if (device.scrappedAt !== null) return decommissioned(device.scrappedAt);
    const inputs = (this.#feeders.get(device.id) ?? [])
      .map((feeder) => this.read(feeder))
      .filter((r): r is Reading => r !== undefined);
    const input = {
      powerW: inputs.reduce((sum, r) => sum + (r.outputPowerW ?? 0), 0),
      currentA: inputs.reduce((sum, r) => sum + (r.currentA ?? 0), 0),
    };
    const sky = this.#sky;
    switch (device.kind) {
      case 'STRING':
        return stringReading(device, sky, 1 + 0.02 * (hashUnit(`${device.id}@${sky.stamp}`) - 0.5));
      case 'COMBINER_BOX':
        return combinerReading(input, sky);
      case 'INVERTER':
        return inverterReading(input.powerW, sky);
      case 'TRANSFORMER':
        return gridReading('TRANSFORMER', input.powerW * 0.99, sky);
      case 'METER': {
        const transformer = this.#plant.devices.find((d) => d.kind === 'TRANSFORMER');
        const fed = transformer ? (this.read(transformer)?.outputPowerW ?? 0) : 0;
        return gridReading('METER', fed * 0.998, sky);
      }
      default:
        return undefined;
    }
  }
}

/** A scrapped device: its last reading, taken the day it was scrapped. */
function decommissioned(scrappedAt: string): Reading {
  return {
    at: `${scrappedAt}T10:00:00.000Z`,
    status: 'DECOMMISSIONED',
    outputPowerW: null,
    voltageV: null,
    currentA: null,
    temperatureC: null,
  };
}

/** A string of modules in series: output from irradiance, derated by module temperature. */
function stringReading(device: PlantDevice, sky: Sky, noise: number): Reading {
  const { stamp, moduleTemp, daylight, irradiance } = sky;
  if (device.openFault && device.openFault.since <= stamp) {
    return {
      at: stamp,
      status: 'FAULT',
      outputPowerW: 0,
      voltageV: 0,
      currentA: 0,
      temperatureC: round(moduleTemp, 1),
    };
  }
  const ratedW = device.moduleCount * 550;
  const power = daylight
    ? ratedW * (irradiance / 1000) * (1 + TEMP_COEFF_POWER * (moduleTemp - 25)) * 0.97 * noise
    : 0;
  const voltage = daylight
    ? device.moduleCount * MODULE_VMP_V * (1 - 0.0029 * (moduleTemp - 25))
    : 0;
  return {
    at: stamp,
    status: daylight ? 'RUNNING' : 'STANDBY',
    outputPowerW: round(power, 1),
    voltageV: round(voltage, 1),
    currentA: voltage > 0 ? round(power / voltage, 2) : 0,
    temperatureC: round(moduleTemp, 1),
  };
}

function combinerReading(input: { powerW: number; currentA: number }, sky: Sky): Reading {
  const voltage = input.powerW > 0 ? input.powerW / Math.max(input.currentA, 1e-9) : 0;
  return {
    at: sky.stamp,
    status: sky.daylight ? 'RUNNING' : 'STANDBY',
    outputPowerW: round(input.powerW * 0.998, 1),
    voltageV: round(voltage, 1),
    currentA: round(input.currentA, 2),
    temperatureC: round(sky.ambient + 0.008 * sky.irradiance, 1),
  };
}

function inverterReading(inputPowerW: number, sky: Sky): Reading {
  const power = Math.min(150_000, inputPowerW * INVERTER_EFFICIENCY);
  return {
    at: sky.stamp,
    status: power > 0 ? 'RUNNING' : 'STANDBY',
    outputPowerW: round(power, 1),
    voltageV: power > 0 ? INVERTER_AC_V : 0,
    currentA: round(power / (Math.sqrt(3) * INVERTER_AC_V), 2),
    temperatureC: round(sky.ambient + 6 + power / 6_000, 1),
  };
}

/** The transformer, or the meter on its export feeder: grid voltage. */
function gridReading(kind: 'TRANSFORMER' | 'METER', power: number, sky: Sky): Reading {
  return {
    at: sky.stamp,
    status: 'RUNNING',
    outputPowerW: round(power, 1),
    voltageV: GRID_V,
    currentA: round(power / (Math.sqrt(3) * GRID_V), 2),
    temperatureC:
      kind === 'TRANSFORMER' ? round(sky.ambient + 12 + power / 40_000, 1) : round(sky.ambient, 1),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
