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
  const stamp = at.toISOString();
  const dayKey = stamp.slice(0, 10);
  // Cloudiness varies by day and drifts within the day; the whole plant sees the same sky.
  const clearness =
    0.55 + 0.4 * hashUnit(`sky:${dayKey}`) + 0.05 * Math.sin(at.getTime() / 2_700_000);
  const elevation = sunElevationDeg(at, plant.latitude, plant.longitude);
  const irradiance = irradianceWm2(elevation, Math.min(1, clearness));
  const ambient = ambientTemperatureC(at, plant.utcOffsetHours);
  const moduleTemp = ambient + 0.03 * irradiance;
  const daylight = irradiance > 15;
  const out = new Map<string, Reading>();
  const children = new Map<string, PlantDevice[]>();
  for (const device of plant.devices) {
    // The meter hangs off the transformer but measures its output rather than feeding it.
    if (device.parentId === null || device.scrappedAt !== null || device.kind === 'METER') continue;
    const list = children.get(device.parentId) ?? [];
    list.push(device);
    children.set(device.parentId, list);
  }
  const read = (device: PlantDevice): Reading | undefined => {
    const cached = out.get(device.id);
    if (cached) return cached;
    const reading = compute(device);
    if (reading) out.set(device.id, reading);
    return reading;
  };
  const compute = (device: PlantDevice): Reading | undefined => {
    if (!MONITORED_KINDS.has(device.kind)) return undefined;
    if (device.scrappedAt !== null) {
      return {
        at: `${device.scrappedAt}T10:00:00.000Z`,
        status: 'DECOMMISSIONED',
        outputPowerW: null,
        voltageV: null,
        currentA: null,
        temperatureC: null,
      };
    }
    const inputs = (children.get(device.id) ?? [])
      .map(read)
      .filter((r): r is Reading => r !== undefined);
    const inputPower = inputs.reduce((sum, r) => sum + (r.outputPowerW ?? 0), 0);
    const inputCurrent = inputs.reduce((sum, r) => sum + (r.currentA ?? 0), 0);
    const noise = 1 + 0.02 * (hashUnit(`${device.id}@${stamp}`) - 0.5);
    switch (device.kind) {
      case 'STRING': {
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
      case 'COMBINER_BOX': {
        const voltage = inputPower > 0 ? inputPower / Math.max(inputCurrent, 1e-9) : 0;
        return {
          at: stamp,
          status: daylight ? 'RUNNING' : 'STANDBY',
          outputPowerW: round(inputPower * 0.998, 1),
          voltageV: round(voltage, 1),
          currentA: round(inputCurrent, 2),
          temperatureC: round(ambient + 0.008 * irradiance, 1),
        };
      }
      case 'INVERTER': {
        const power = Math.min(150_000, inputPower * INVERTER_EFFICIENCY);
        return {
          at: stamp,
          status: power > 0 ? 'RUNNING' : 'STANDBY',
          outputPowerW: round(power, 1),
          voltageV: power > 0 ? INVERTER_AC_V : 0,
          currentA: round(power / (Math.sqrt(3) * INVERTER_AC_V), 2),
          temperatureC: round(ambient + 6 + power / 6_000, 1),
        };
      }
      case 'TRANSFORMER':
      case 'METER': {
        const source =
          device.kind === 'METER' ? plant.devices.find((d) => d.kind === 'TRANSFORMER') : undefined;
        const power = source ? (read(source)?.outputPowerW ?? 0) * 0.998 : inputPower * 0.99;
        return {
          at: stamp,
          status: 'RUNNING',
          outputPowerW: round(power, 1),
          voltageV: GRID_V,
          currentA: round(power / (Math.sqrt(3) * GRID_V), 2),
          temperatureC:
            device.kind === 'TRANSFORMER'
              ? round(ambient + 12 + power / 40_000, 1)
              : round(ambient, 1),
        };
      }
      default:
        return undefined;
    }
  };
  for (const device of plant.devices) read(device);
  return out;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
