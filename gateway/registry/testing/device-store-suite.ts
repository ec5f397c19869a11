import { describe, expect, it } from 'vitest';
import { log, twoSystems, conflict, type OpenStore } from './store-suite-fixtures.js';

// The registry store suite: device batches, claims, the catalog and identifier status.

/** Registering a system's own devices: once, and all of a batch or none. */
export function describeDeviceRegistration(open: OpenStore): void {
  describe('device registration', () => {
    it('registers devices once: a re-run changes nothing, a clash refuses the whole batch', async () => {
      const store = await open();
      const { maker } = await twoSystems(store);
      const devices = [
        { identifier: `${maker}/A-1`, localCode: 'A-1', kind: 'INVERTER' as const },
        { identifier: `${maker}/A-2`, localCode: 'A-2', kind: 'METER' as const },
      ];
      expect(
        await store.registerOwnDevices(maker, devices, log('devices.register', maker)),
      ).toMatchObject({ registered: 2, unchanged: 0 });
      expect(
        await store.registerOwnDevices(maker, devices, log('devices.register', maker)),
      ).toMatchObject({ registered: 0, unchanged: 2 });
      const clash = await conflict(
        store.registerOwnDevices(
          maker,
          [
            { identifier: `${maker}/A-3`, localCode: 'A-3', kind: 'MODULE' },
            { identifier: `${maker}/A-4`, localCode: 'A-1', kind: 'MODULE' },
          ],
          log('devices.register', maker),
        ),
      );
      expect(clash).toMatchObject({ reason: 'DUPLICATE_IDENTIFIER', details: { row: 2 } });
      expect(await store.getIdentifier(`${maker}/A-3`)).toBeUndefined();
      expect((await store.statistics()).devices).toBe(2);
      await store.close();
    });

    it('refuses a device registered again with another kind, and writes none of its batch', async () => {
      const store = await open();
      const { maker } = await twoSystems(store);
      await store.registerOwnDevices(
        maker,
        [{ identifier: `${maker}/K-1`, localCode: 'K-1', kind: 'INVERTER' }],
        log('devices.register', maker),
      );
      const before = (await store.log(0, 100)).length;
      const clash = await conflict(
        store.registerOwnDevices(
          maker,
          [
            { identifier: `${maker}/K-2`, localCode: 'K-2', kind: 'METER' },
            { identifier: `${maker}/K-1`, localCode: 'K-1', kind: 'METER' },
          ],
          log('devices.register', maker),
        ),
      );
      expect(clash).toMatchObject({
        reason: 'DEVICE_KIND_CONFLICT',
        details: { row: 2, identifier: `${maker}/K-1` },
      });
      expect(clash.message).toContain('registered as INVERTER, not METER');
      expect(await store.getIdentifier(`${maker}/K-2`)).toBeUndefined();
      expect((await store.getIdentifier(`${maker}/K-1`))?.kind).toBe('INVERTER');
      expect(await store.log(0, 100)).toHaveLength(before);
      // The same kind again is a re-run: nothing changes.
      expect(
        await store.registerOwnDevices(
          maker,
          [{ identifier: `${maker}/K-1`, localCode: 'K-1', kind: 'INVERTER' }],
          log('devices.register', maker),
        ),
      ).toMatchObject({ registered: 0, unchanged: 1 });
      await store.close();
    });
  });
}

/** Device batches checked as a dry run, which write nothing. */
export function describeDeviceDryRuns(open: OpenStore): void {
  describe('dry runs', () => {
    it('checks a device batch as a dry run, conflicts included, and writes nothing', async () => {
      const store = await open();
      const { maker, scada } = await twoSystems(store);
      await store.registerOwnDevices(
        maker,
        [{ identifier: `${maker}/D-1`, localCode: 'D-1', kind: 'MODULE' }],
        log('devices.register', maker),
      );
      const before = {
        log: (await store.log(0, 100)).length,
        outbox: (await store.outboxBatch(100)).length,
      };
      const batch = [
        { identifier: `${maker}/D-1`, localCode: 'D-1', kind: 'MODULE' as const },
        { identifier: `${maker}/D-2`, localCode: 'D-2', kind: 'MODULE' as const },
      ];
      expect(
        await store.registerOwnDevices(maker, batch, log('devices.register', maker), {
          dryRun: true,
        }),
      ).toMatchObject({ registered: 1, unchanged: 1 });
      expect(await store.getIdentifier(`${maker}/D-2`)).toBeUndefined();
      expect(
        await conflict(
          store.registerOwnDevices(
            maker,
            [{ identifier: `${maker}/D-1`, localCode: 'D-1', kind: 'METER' }],
            log('devices.register', maker),
            { dryRun: true },
          ),
        ),
      ).toMatchObject({ reason: 'DEVICE_KIND_CONFLICT' });
      expect(
        await store.claimDevices(
          scada,
          [{ identifier: `${maker}/D-1`, localCode: 'S-1' }],
          log('devices.claim', scada),
          { dryRun: true },
        ),
      ).toMatchObject({ registered: 1 });
      expect(
        await conflict(
          store.claimDevices(
            scada,
            [{ identifier: `${maker}/D-404`, localCode: 'S-2' }],
            log('devices.claim', scada),
            { dryRun: true },
          ),
        ),
      ).toMatchObject({ reason: 'UNKNOWN_IDENTIFIER' });
      expect((await store.getIdentifier(`${maker}/D-1`))?.holdings).toEqual([
        { systemCode: maker, localCode: 'D-1' },
      ]);
      expect({
        log: (await store.log(0, 100)).length,
        outbox: (await store.outboxBatch(100)).length,
      }).toEqual(before);
      await store.close();
    });
  });
}

/** The association catalog, kept current by claims on devices. */
export function describeAssociationCatalog(open: OpenStore): void {
  describe('association catalog', () => {
    it('keeps the association catalog current as claims arrive', async () => {
      const store = await open();
      const { maker, scada } = await twoSystems(store);
      await store.upsertFields(maker, [{ name: 'model', feeFen: 1 }], log('fields.register'));
      await store.upsertFields(
        scada,
        [
          { name: 'outputPowerW', feeFen: 5 },
          { name: 'voltageV', feeFen: null },
        ],
        log('fields.register'),
      );
      await store.registerOwnDevices(
        maker,
        [{ identifier: `${maker}/INV-1`, localCode: 'INV-1', kind: 'INVERTER' }],
        log('devices.register'),
      );
      expect((await store.associations([`${maker}/INV-1`])).get(`${maker}/INV-1`)).toMatchObject({
        key: false,
      });
      expect((await store.statistics()).keyDevices).toBe(0);
      await store.claimDevices(
        scada,
        [{ identifier: `${maker}/INV-1`, localCode: 'PLANT.INV01' }],
        log('devices.claim'),
      );
      const entry = (await store.associations([`${maker}/INV-1`])).get(`${maker}/INV-1`);
      expect(entry).toEqual({
        deviceId: `${maker}/INV-1`,
        key: true,
        holdings: [
          {
            systemCode: maker,
            subgraphName: 'maker',
            localCode: 'INV-1',
            fieldCodes: [`${maker}.F0001`],
          },
          {
            systemCode: scada,
            subgraphName: 'scada',
            localCode: 'PLANT.INV01',
            fieldCodes: [`${scada}.F0001`, `${scada}.F0002`],
          },
        ],
      });
      expect((await store.statistics()).keyDevices).toBe(1);
      expect(
        (await store.directoryEntries([`${maker}/INV-1`, `${maker}/NOPE`])).get(`${maker}/INV-1`),
      ).toEqual({ id: `${maker}/INV-1`, kind: 'INVERTER', heldBy: ['maker', 'scada'] });
      await store.close();
    });
  });
}

/** Claims refused, writing none of their batch. */
export function describeRefusedClaims(open: OpenStore): void {
  describe('refused claims', () => {
    it('refuses a claim on an unknown identifier and writes none of its batch', async () => {
      const store = await open();
      const { maker, scada } = await twoSystems(store);
      await store.registerOwnDevices(
        maker,
        [{ identifier: `${maker}/M-1`, localCode: 'M-1', kind: 'MODULE' }],
        log('devices.register'),
      );
      const refused = await conflict(
        store.claimDevices(
          scada,
          [
            { identifier: `${maker}/M-1`, localCode: 'X1' },
            { identifier: `${maker}/M-404`, localCode: 'X2' },
          ],
          log('devices.claim'),
        ),
      );
      expect(refused).toMatchObject({ reason: 'UNKNOWN_IDENTIFIER', details: { row: 2 } });
      expect((await store.getIdentifier(`${maker}/M-1`))?.holdings).toEqual([
        { systemCode: maker, localCode: 'M-1' },
      ]);
      await store.close();
    });
  });
}

/** A suspended system leaves the directory and the catalog, and comes back. */
export function describeSuspendedSystems(open: OpenStore): void {
  describe('suspended systems', () => {
    it('drops a suspended system from the directory and the catalog, and brings it back', async () => {
      const store = await open();
      const { maker, scada } = await twoSystems(store);
      await store.registerOwnDevices(
        maker,
        [{ identifier: `${maker}/T-1`, localCode: 'T-1', kind: 'TRANSFORMER' }],
        log('devices.register'),
      );
      await store.claimDevices(
        scada,
        [{ identifier: `${maker}/T-1`, localCode: 'T' }],
        log('devices.claim'),
      );
      await store.updateSystem(scada, { status: 'SUSPENDED' }, log('system.suspended', scada));
      expect((await store.directoryEntries([`${maker}/T-1`])).get(`${maker}/T-1`)?.heldBy).toEqual([
        'maker',
      ]);
      expect((await store.systemSdls('ACTIVE')).map((s) => s.subgraphName)).toEqual(['maker']);
      await store.updateSystem(scada, { status: 'ACTIVE' }, log('system.active', scada));
      expect((await store.directoryEntries([`${maker}/T-1`])).get(`${maker}/T-1`)?.heldBy).toEqual([
        'maker',
        'scada',
      ]);
      await store.close();
    });
  });
}

/** Identifier audits and status changes, each logged. */
export function describeIdentifierStatus(open: OpenStore): void {
  describe('identifier status and audits', () => {
    it('audits and changes identifier status, logging each change', async () => {
      const store = await open();
      const { maker } = await twoSystems(store);
      await store.registerOwnDevices(
        maker,
        [{ identifier: `${maker}/Q-1`, localCode: 'Q-1', kind: 'METER' }],
        log('devices.register'),
      );
      const audited = await store.auditIdentifier(
        `${maker}/Q-1`,
        { status: 'CONFIRMED', by: 'AUDITOR:a1', note: 'seen on site' },
        log('identifier.audit', `${maker}/Q-1`),
      );
      expect(audited.audit).toMatchObject({
        status: 'CONFIRMED',
        by: 'AUDITOR:a1',
        note: 'seen on site',
      });
      expect(
        (await store.setIdentifierStatus(`${maker}/Q-1`, 'SUSPENDED', log('identifier.suspended')))
          .status,
      ).toBe('SUSPENDED');
      expect((await store.directoryEntries([`${maker}/Q-1`])).size).toBe(0);
      expect(
        await conflict(
          store.setIdentifierStatus(`${maker}/NOPE`, 'SUSPENDED', log('identifier.suspended')),
        ),
      ).toMatchObject({ reason: 'UNKNOWN_IDENTIFIER' });
      expect((await store.log(0, 100)).map((e) => e.action)).toContain('identifier.audit');
      await store.close();
    });
  });
}
