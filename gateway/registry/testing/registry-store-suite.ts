import { describe, expect, it } from 'vitest';
import { StoreConflict, type LogInput, type RegistryStore } from '../registry-store.js';

const log = (action: string, subject = '-'): LogInput => ({ actor: 'test', action, subject, details: {} });
const KEY = { keyId: 'k', secretHash: 'h' };

/** Registers the five-system shape every case starts from; returns the two system codes. */
async function twoSystems(store: RegistryStore): Promise<{ maker: string; scada: string }> {
  const base = { authorityPrefix: '88.9', description: 'd', sdl: 'type Query { x: Int }', codingRule: '{code}', log: { actor: 'test', action: 'system.register', details: {} } };
  const maker = await store.createSystem({ ...base, enterprise: { creditCode: 'E1', name: 'Maker', initialScore: 80 }, name: 'maker', subgraphName: 'maker', url: 'http://maker/', key: { ...KEY, keyId: 'k1' } });
  const scada = await store.createSystem({ ...base, enterprise: { creditCode: 'E2', name: 'Plant', initialScore: 80 }, name: 'scada', subgraphName: 'scada', url: 'http://scada/', key: { ...KEY, keyId: 'k2' } });
  return { maker: maker.code, scada: scada.code };
}

async function conflict(work: Promise<unknown>): Promise<StoreConflict> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreConflict);
    return error as StoreConflict;
  }
  throw new Error('expected a StoreConflict');
}

/**
 * The behaviour every registry store must have, whatever its database. Run it against each
 * implementation with a factory that gives an empty store.
 */
export function describeRegistryStore(name: string, makeStore: () => Promise<RegistryStore>): void {
  describe(`registry store: ${name}`, () => {
    it('assigns system codes in sequence under the authority prefix and keeps their keys', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      expect([maker, scada]).toEqual(['88.9.1', '88.9.2']);
      expect(await store.findPrincipal('k2')).toMatchObject({ role: 'ENTERPRISE_USER', systemCode: '88.9.2', secretHash: 'h', revoked: false });
      expect((await store.log(0, 10)).map((e) => [e.action, e.subject])).toEqual([['system.register', '88.9.1'], ['system.register', '88.9.2']]);
      await store.close();
    });

    it('registers devices once: a re-run changes nothing, a clash refuses the whole batch', async () => {
      const store = await makeStore();
      const { maker } = await twoSystems(store);
      const devices = [{ identifier: `${maker}/A-1`, localCode: 'A-1', kind: 'INVERTER' as const }, { identifier: `${maker}/A-2`, localCode: 'A-2', kind: 'METER' as const }];
      expect(await store.registerOwnDevices(maker, devices, log('devices.register', maker))).toMatchObject({ registered: 2, unchanged: 0 });
      expect(await store.registerOwnDevices(maker, devices, log('devices.register', maker))).toMatchObject({ registered: 0, unchanged: 2 });
      const clash = await conflict(store.registerOwnDevices(maker, [{ identifier: `${maker}/A-3`, localCode: 'A-3', kind: 'MODULE' }, { identifier: `${maker}/A-4`, localCode: 'A-1', kind: 'MODULE' }], log('devices.register', maker)));
      expect(clash).toMatchObject({ reason: 'DUPLICATE_IDENTIFIER', details: { row: 2 } });
      expect(await store.getIdentifier(`${maker}/A-3`)).toBeUndefined();
      expect((await store.statistics()).devices).toBe(2);
      await store.close();
    });

    it('keeps the association catalog current as claims arrive', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      await store.upsertFields(maker, [{ name: 'model', feeFen: 1 }], log('fields.register'));
      await store.upsertFields(scada, [{ name: 'outputPowerW', feeFen: 5 }, { name: 'voltageV', feeFen: null }], log('fields.register'));
      await store.registerOwnDevices(maker, [{ identifier: `${maker}/INV-1`, localCode: 'INV-1', kind: 'INVERTER' }], log('devices.register'));
      expect((await store.associations([`${maker}/INV-1`])).get(`${maker}/INV-1`)).toMatchObject({ key: false });
      expect((await store.statistics()).keyDevices).toBe(0);
      await store.claimDevices(scada, [{ identifier: `${maker}/INV-1`, localCode: 'PLANT.INV01' }], log('devices.claim'));
      const entry = (await store.associations([`${maker}/INV-1`])).get(`${maker}/INV-1`);
      expect(entry).toEqual({
        deviceId: `${maker}/INV-1`,
        key: true,
        holdings: [
          { systemCode: maker, subgraphName: 'maker', localCode: 'INV-1', fieldCodes: [`${maker}.F0001`] },
          { systemCode: scada, subgraphName: 'scada', localCode: 'PLANT.INV01', fieldCodes: [`${scada}.F0001`, `${scada}.F0002`] },
        ],
      });
      expect((await store.statistics()).keyDevices).toBe(1);
      expect((await store.directoryEntries([`${maker}/INV-1`, `${maker}/NOPE`])).get(`${maker}/INV-1`)).toEqual({ id: `${maker}/INV-1`, kind: 'INVERTER', heldBy: ['maker', 'scada'] });
      await store.close();
    });

    it('refuses a claim on an unknown identifier and writes none of its batch', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      await store.registerOwnDevices(maker, [{ identifier: `${maker}/M-1`, localCode: 'M-1', kind: 'MODULE' }], log('devices.register'));
      const refused = await conflict(store.claimDevices(scada, [{ identifier: `${maker}/M-1`, localCode: 'X1' }, { identifier: `${maker}/M-404`, localCode: 'X2' }], log('devices.claim')));
      expect(refused).toMatchObject({ reason: 'UNKNOWN_IDENTIFIER', details: { row: 2 } });
      expect((await store.getIdentifier(`${maker}/M-1`))?.holdings).toEqual([{ systemCode: maker, localCode: 'M-1' }]);
      await store.close();
    });

    it('drops a suspended system from the directory and the catalog, and brings it back', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      await store.registerOwnDevices(maker, [{ identifier: `${maker}/T-1`, localCode: 'T-1', kind: 'TRANSFORMER' }], log('devices.register'));
      await store.claimDevices(scada, [{ identifier: `${maker}/T-1`, localCode: 'T' }], log('devices.claim'));
      await store.updateSystem(scada, { status: 'SUSPENDED' }, log('system.suspended', scada));
      expect((await store.directoryEntries([`${maker}/T-1`])).get(`${maker}/T-1`)?.heldBy).toEqual(['maker']);
      expect((await store.systemSdls('ACTIVE')).map((s) => s.subgraphName)).toEqual(['maker']);
      await store.updateSystem(scada, { status: 'ACTIVE' }, log('system.active', scada));
      expect((await store.directoryEntries([`${maker}/T-1`])).get(`${maker}/T-1`)?.heldBy).toEqual(['maker', 'scada']);
      await store.close();
    });

    it('gives each field one owner and numbers field codes per system', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      const fields = await store.upsertFields(maker, [{ name: 'model', feeFen: 1 }, { name: 'brand', feeFen: null }], log('fields.register'));
      expect(fields.map((f) => [f.code, f.coordinate, f.feeFen])).toEqual([[`${maker}.F0001`, 'Device.model', 1], [`${maker}.F0002`, 'Device.brand', null]]);
      expect((await store.upsertFields(maker, [{ name: 'model', feeFen: 3 }], log('fields.register')))[0]?.feeFen).toBe(3);
      expect(await conflict(store.upsertFields(scada, [{ name: 'model', feeFen: 1 }], log('fields.register')))).toMatchObject({ reason: 'FIELD_CONFLICT' });
      expect(await store.fieldOwner('model')).toBe(maker);
      await store.close();
    });

    it('audits and changes identifier status, logging each change', async () => {
      const store = await makeStore();
      const { maker } = await twoSystems(store);
      await store.registerOwnDevices(maker, [{ identifier: `${maker}/Q-1`, localCode: 'Q-1', kind: 'METER' }], log('devices.register'));
      const audited = await store.auditIdentifier(`${maker}/Q-1`, { status: 'CONFIRMED', by: 'AUDITOR:a1', note: 'seen on site' }, log('identifier.audit', `${maker}/Q-1`));
      expect(audited.audit).toMatchObject({ status: 'CONFIRMED', by: 'AUDITOR:a1', note: 'seen on site' });
      expect((await store.setIdentifierStatus(`${maker}/Q-1`, 'SUSPENDED', log('identifier.suspended'))).status).toBe('SUSPENDED');
      expect((await store.directoryEntries([`${maker}/Q-1`])).size).toBe(0);
      expect(await conflict(store.setIdentifierStatus(`${maker}/NOPE`, 'SUSPENDED', log('identifier.suspended')))).toMatchObject({ reason: 'UNKNOWN_IDENTIFIER' });
      expect((await store.log(0, 100)).map((e) => e.action)).toContain('identifier.audit');
      await store.close();
    });
  });
}
