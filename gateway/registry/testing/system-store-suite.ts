import { describe, expect, it } from 'vitest';
import { log, twoSystems, conflict, type OpenStore } from './store-suite-fixtures.js';

// The registry store suite: systems, their keys, applications and fields.

/** System codes in sequence under the authority prefix, with their keys. */
export function describeSystems(open: OpenStore): void {
  describe('systems', () => {
    it('assigns system codes in sequence under the authority prefix and keeps their keys', async () => {
      const store = await open();
      const { maker, scada } = await twoSystems(store);
      expect([maker, scada]).toEqual(['88.9.1', '88.9.2']);
      expect(await store.findPrincipal('k2')).toMatchObject({
        role: 'ENTERPRISE_USER',
        systemCode: '88.9.2',
        secretHash: 'h',
        revoked: false,
      });
      expect((await store.log(0, 10)).map((e) => [e.action, e.subject])).toEqual([
        ['enterprise.create', 'E1'],
        ['enterprise.create', 'E2'],
        ['system.register', '88.9.1'],
        ['system.register', '88.9.2'],
      ]);
      await store.close();
    });
  });
}

/** An application's API keys, listed and revoked one at a time. */
export function describeApplicationKeys(open: OpenStore): void {
  describe('application keys', () => {
    it("lists an application's keys and revokes one of them, that one only", async () => {
      const store = await open();
      const first = await store.createApplication({
        name: 'app',
        roles: ['r'],
        key: { keyId: 'appkey1', secretHash: 'h' },
        log: { actor: 'test', action: 'application.register', details: {} },
      });
      const other = await store.createApplication({
        name: 'other',
        roles: ['r'],
        key: { keyId: 'otherkey1', secretHash: 'h' },
        log: { actor: 'test', action: 'application.register', details: {} },
      });
      await store.createPrincipal(
        {
          keyId: 'appkey2',
          role: 'APPLICATION',
          systemCode: null,
          appId: first.appId,
          creditCode: null,
          label: 'app application',
          secretHash: 'h',
        },
        log('key.issue', 'appkey2'),
      );
      expect(
        (await store.listApplicationKeys(first.appId)).map((k) => [k.keyId, k.revokedAt]),
      ).toEqual([
        ['appkey1', null],
        ['appkey2', null],
      ]);
      const revoked = await store.revokeApplicationKey(
        first.appId,
        'appkey1',
        log('key.revoke', 'appkey1'),
      );
      expect(revoked).toMatchObject({ keyId: 'appkey1', label: 'app application' });
      expect(revoked.revokedAt).toMatch(/^\d{4}-/);
      expect(await store.findPrincipal('appkey1')).toMatchObject({ revoked: true });
      expect(await store.findPrincipal('appkey2')).toMatchObject({ revoked: false });
      // Again: nothing changes, and no second log entry.
      const entries = (await store.log(0, 100)).length;
      expect(
        await store.revokeApplicationKey(first.appId, 'appkey1', log('key.revoke', 'appkey1')),
      ).toEqual(revoked);
      expect(await store.log(0, 100)).toHaveLength(entries);
      // Another application's key is not this one's to revoke.
      expect(
        await conflict(
          store.revokeApplicationKey(first.appId, 'otherkey1', log('key.revoke', 'otherkey1')),
        ),
      ).toMatchObject({ reason: 'NOT_FOUND' });
      expect(await store.findPrincipal('otherkey1')).toMatchObject({
        revoked: false,
        appId: other.appId,
      });
      await store.close();
    });
  });
}

/** Field ownership and field codes per system. */
export function describeFields(open: OpenStore): void {
  describe('fields', () => {
    it('gives each field one owner and numbers field codes per system', async () => {
      const store = await open();
      const { maker, scada } = await twoSystems(store);
      const fields = await store.upsertFields(
        maker,
        [
          { name: 'model', feeFen: 1 },
          { name: 'brand', feeFen: null },
        ],
        log('fields.register'),
      );
      expect(fields.map((f) => [f.code, f.coordinate, f.feeFen])).toEqual([
        [`${maker}.F0001`, 'Device.model', 1],
        [`${maker}.F0002`, 'Device.brand', null],
      ]);
      expect(
        (await store.upsertFields(maker, [{ name: 'model', feeFen: 3 }], log('fields.register')))[0]
          ?.feeFen,
      ).toBe(3);
      expect(
        await conflict(
          store.upsertFields(scada, [{ name: 'model', feeFen: 1 }], log('fields.register')),
        ),
      ).toMatchObject({ reason: 'FIELD_CONFLICT' });
      expect(await store.fieldOwner('model')).toBe(maker);
      await store.close();
    });
  });
}
