import { describe, expect, it } from 'vitest';
import { isValidIdentifier } from '../../../schema/index.js';
import { buildPlant } from './plant-model.js';
import { readingsAt } from './telemetry.js';

const plant = buildPlant({ now: new Date('2026-06-21T04:00:00Z') });

describe('demo plant', () => {
  it('has over 2,000 devices of every kind, all with valid, unique identifiers', () => {
    expect(plant.devices.length).toBeGreaterThanOrEqual(2_000);
    const kinds = new Set(plant.devices.map((d) => d.kind));
    expect([...kinds].sort()).toEqual([
      'COMBINER_BOX',
      'INVERTER',
      'METER',
      'MODULE',
      'STRING',
      'TRANSFORMER',
    ]);
    expect(new Set(plant.devices.map((d) => d.id)).size).toBe(plant.devices.length);
    expect(
      plant.devices.every((d) => isValidIdentifier(d.id) && d.id.endsWith(`/${d.ownCode}`)),
    ).toBe(true);
  });

  it('is the same plant for the same seed', () => {
    const again = buildPlant({ now: plant.now });
    expect(again.devices.map((d) => [d.id, d.productionDate, d.scrappedAt])).toEqual(
      plant.devices.map((d) => [d.id, d.productionDate, d.scrappedAt]),
    );
  });

  it('gives every scrapped device a replacement in its place and no live output', () => {
    const scrapped = plant.devices.filter((d) => d.scrappedAt !== null);
    expect(scrapped.length).toBeGreaterThan(0);
    const readings = readingsAt(plant, plant.now);
    for (const device of scrapped) {
      const replacement = plant.byId.get(device.replacedBy ?? '');
      expect(replacement?.location).toBe(device.location);
      expect(replacement?.commissioningDate).toBe(device.scrappedAt);
      const reading = readings.get(device.id);
      if (reading) expect(reading).toMatchObject({ status: 'DECOMMISSIONED', outputPowerW: null });
    }
  });

  it('makes output follow the sun: nothing at night, most near solar noon', () => {
    const meter = plant.devices.find((d) => d.kind === 'METER');
    const power = (iso: string): number =>
      readingsAt(plant, new Date(iso)).get(meter?.id ?? '')?.outputPowerW ?? -1;
    const midnight = power('2026-06-21T16:00:00Z'); // 00:00 local
    const morning = power('2026-06-21T00:30:00Z'); // 08:30 local
    const noon = power('2026-06-21T05:00:00Z'); // 13:00 local, near solar noon at 106° E
    expect(midnight).toBe(0);
    expect(morning).toBeGreaterThan(0);
    expect(noon).toBeGreaterThan(morning);
    expect(noon).toBeLessThan(8 * 150_000);
  });

  it('keeps the inverter, its strings and the meter consistent', () => {
    const readings = readingsAt(plant, plant.now);
    const inverters = plant.devices.filter((d) => d.kind === 'INVERTER' && d.scrappedAt === null);
    const total = inverters.reduce((sum, d) => sum + (readings.get(d.id)?.outputPowerW ?? 0), 0);
    const meter = plant.devices.find((d) => d.kind === 'METER');
    expect(readings.get(meter?.id ?? '')?.outputPowerW).toBeCloseTo(total * 0.99 * 0.998, -1);
    const faulty = plant.devices.find((d) => d.openFault !== null);
    expect(readings.get(faulty?.id ?? '')).toMatchObject({ status: 'FAULT', outputPowerW: 0 });
  });
});
