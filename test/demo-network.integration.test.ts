import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNetwork, type TestNetwork } from '../gateway/testing/index.js';
import { DEMO_SYSTEMS, buildPlant } from '../scripts/demo/index.js';

/**
 * The five demo business systems over their real SQLite schemas, served in-process and composed by
 * the real gateway. Each database counts the statements it runs.
 */
const plant = buildPlant({ now: new Date('2026-06-21T04:00:00Z') });
const statements = new Map<string, string[]>();
let network: TestNetwork;

beforeAll(async () => {
  const heldBy = new Map<string, string[]>();
  const subgraphs = DEMO_SYSTEMS.map((system) => {
    const log: string[] = [];
    statements.set(system.name, log);
    const db = new Database(':memory:', { verbose: (sql) => log.push(String(sql)) });
    system.createTables(db);
    for (const id of system.seed(db, plant))
      heldBy.set(id, [...(heldBy.get(id) ?? []), system.name]);
    return system.createSubgraph(db);
  });
  network = await createTestNetwork({
    subgraphs,
    devices: plant.devices.map((d) => ({ id: d.id, kind: d.kind, heldBy: heldBy.get(d.id) ?? [] })),
  });
});

afterAll(() => network.stop());

const SELECTS = (system: string): number =>
  (statements.get(system) ?? []).filter((s) => s.trimStart().startsWith('SELECT')).length;

describe('the gateway over the five demo business systems', () => {
  it('returns one inverter with fields from all five systems', async () => {
    const { data, errors } = await network.query(`{
      device(id: "88.1001.1/PVI-000001") {
        id kind heldBy
        model brand ratedPowerW productionDate
        installLocation commissioningDate designCapacityW
        operatingStatus outputPowerW lastReadingAt
        maintenanceRecords { time fault technician remedy }
        assetStatus assetValueFen
      }
    }`);
    expect(errors).toBeUndefined();
    const device = data?.['device'] as Record<string, unknown>;
    expect(device).toMatchObject({
      id: '88.1001.1/PVI-000001',
      kind: 'INVERTER',
      heldBy: ['asset', 'construction', 'monitoring', 'om', 'production'],
      model: 'SV-150K-HV',
      ratedPowerW: 150_000,
      installLocation: 'Block 1, inverter pad',
      commissioningDate: '2023-06-18',
      operatingStatus: 'RUNNING',
      lastReadingAt: '2026-06-21T04:00:00.000Z',
      assetStatus: 'IN_SERVICE',
    });
    expect(device['outputPowerW']).toBeGreaterThan(10_000);
    // 264 modules of 550 W, where a replacement of 555 W may stand in for a scrapped one.
    const modules = plant.devices.filter(
      (d) => d.kind === 'MODULE' && d.scrappedAt === null && d.block === 1,
    );
    expect(modules).toHaveLength(12 * 22);
    expect(device['designCapacityW']).toBe(
      modules.reduce((sum, m) => sum + (m.product?.ratedPowerW ?? 0), 0),
    );
    expect((device['maintenanceRecords'] as unknown[]).length).toBeGreaterThan(0);
  });

  it('shows the scrapped inverter as scrapped, decommissioned and replaced, in every system', async () => {
    const scrapped = plant.devices.find((d) => d.kind === 'INVERTER' && d.scrappedAt !== null);
    const { data, errors } = await network.query(
      `query ($id: ID!) { device(id: $id) { assetStatus assetValueFen operatingStatus outputPowerW decommissioningDate openFault maintenanceRecords { remedy } } }`,
      { id: scrapped?.id },
    );
    expect(errors).toBeUndefined();
    expect(data?.['device']).toMatchObject({
      assetStatus: 'SCRAPPED',
      assetValueFen: 0,
      operatingStatus: 'DECOMMISSIONED',
      outputPowerW: null,
      decommissioningDate: scrapped?.scrappedAt,
      openFault: null,
    });
    expect(JSON.stringify(data)).toContain(`replaced with ${scrapped?.replacedBy ?? '?'}`);
  });

  it('answers devices(ids) in order, with null for an unknown device and no error', async () => {
    const { data, errors } = await network.query(
      `{ devices(ids: ["88.1001.2/STR-B1-S01", "88.1001.1/NOPE-1", "88.1001.1/MTR-000001"]) { id kind heldBy } }`,
    );
    expect(errors).toBeUndefined();
    expect(data?.['devices']).toEqual([
      { id: '88.1001.2/STR-B1-S01', kind: 'STRING', heldBy: ['construction', 'monitoring', 'om'] },
      null,
      {
        id: '88.1001.1/MTR-000001',
        kind: 'METER',
        heldBy: ['asset', 'construction', 'monitoring', 'om', 'production'],
      },
    ]);
  });

  it('answers an unknown device with null and nothing else', async () => {
    const response = await network.query(
      `{ device(id: "88.1001.9/UNKNOWN-42") { id model outputPowerW } }`,
    );
    expect(response).toEqual({ data: { device: null } });
  });

  it('refuses a malformed identifier with BAD_IDENTIFIER and no internals', async () => {
    const { data, errors } = await network.query(`{ device(id: "not an identifier") { id } }`);
    expect(data).toEqual({ device: null });
    expect(errors).toHaveLength(1);
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_IDENTIFIER');
    expect(errors?.[0]?.message).toContain('not a valid device identifier');
    expect(JSON.stringify(errors)).not.toMatch(/stack|at .*\.ts|node_modules/);
  });

  it('reads each database once per batch, however many devices a request asks for', async () => {
    const modules = plant.devices
      .filter((d) => d.kind === 'MODULE')
      .slice(0, 200)
      .map((d) => d.id);
    const before = Object.fromEntries(DEMO_SYSTEMS.map((s) => [s.name, SELECTS(s.name)]));
    const { data, errors } = await network.query(
      `query ($ids: [ID!]!) { devices(ids: $ids) { id model installLocation assetStatus maintenanceRecords { time } } }`,
      { ids: modules },
    );
    expect(errors).toBeUndefined();
    expect((data?.['devices'] as { model: string }[]).every((d) => d.model.startsWith('LX-'))).toBe(
      true,
    );
    for (const system of ['production', 'construction', 'asset', 'om'])
      expect(SELECTS(system) - (before[system] ?? 0), system).toBe(1);
    // Modules are watched through their strings: monitoring holds none, and is not asked.
    expect(SELECTS('monitoring') - (before['monitoring'] ?? 0)).toBe(0);
  });

  it('refuses more identifiers than the limit with LIMIT_EXCEEDED', async () => {
    const ids = Array.from(
      { length: 501 },
      (_, i) => `88.1001.1/PVM-${String(i).padStart(6, '0')}`,
    );
    const { errors } = await network.query(`query ($ids: [ID!]!) { devices(ids: $ids) { id } }`, {
      ids,
    });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 500 });
  });

  it('returns partial data and names the system when one is down', async () => {
    network.setDown('monitoring', true);
    try {
      const { data, errors } = await network.query(
        `{ device(id: "88.1001.1/PVI-000002") { model outputPowerW assetStatus } }`,
      );
      expect(data?.['device']).toEqual({
        model: 'SV-150K-HV',
        outputPowerW: null,
        assetStatus: 'IN_SERVICE',
      });
      expect(errors).toHaveLength(1);
      expect(errors?.[0]?.extensions).toEqual({ code: 'SYSTEM_UNAVAILABLE', system: 'monitoring' });
      expect(errors?.[0]?.message).toContain('"monitoring"');
      expect(JSON.stringify(errors)).not.toMatch(/ECONNREFUSED|subgraph\.test/);
    } finally {
      network.setDown('monitoring', false);
    }
    const again = await network.query(`{ device(id: "88.1001.1/PVI-000002") { outputPowerW } }`);
    expect(again.errors).toBeUndefined();
  });
});
