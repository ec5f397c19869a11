import { describe, expect, it } from 'vitest';
import {
  StoreConflict,
  type CreditEventInput,
  type LogInput,
  type RegistryStore,
} from '../registry-store.js';

const log = (action: string, subject = '-'): LogInput => ({
  actor: 'test',
  action,
  subject,
  details: {},
});
const KEY = { keyId: 'k', secretHash: 'h' };

/** What opening an enterprise account takes, with its operator key `ok-<credit code>`. */
const account = (
  creditCode: string,
  name: string,
  over: { contact?: string | null; initialScore?: number } = {},
) => ({
  creditCode,
  name,
  contact: over.contact ?? null,
  initialScore: over.initialScore ?? 80,
  log: { actor: 'test', action: 'enterprise.create', details: {} },
});
const operatorKey = (creditCode: string) => ({
  keyId: `ok-${creditCode}`,
  secretHash: 'h',
  label: `${creditCode} operator`,
});

/** Onboards enterprises E1 (Maker) and E2 (Plant) and registers one system each; returns the two system codes. */
async function twoSystems(store: RegistryStore): Promise<{ maker: string; scada: string }> {
  await store.createEnterprise({ ...account('E1', 'Maker'), key: operatorKey('E1') });
  await store.createEnterprise({ ...account('E2', 'Plant'), key: operatorKey('E2') });
  const base = {
    authorityPrefix: '88.9',
    description: 'd',
    sdl: 'type Query { x: Int }',
    codingRule: '{code}',
    log: { actor: 'test', action: 'system.register', details: {} },
  };
  const maker = await store.createSystem({
    ...base,
    creditCode: 'E1',
    name: 'maker',
    subgraphName: 'maker',
    url: 'http://maker/',
    key: { ...KEY, keyId: 'k1' },
  });
  const scada = await store.createSystem({
    ...base,
    creditCode: 'E2',
    name: 'scada',
    subgraphName: 'scada',
    url: 'http://scada/',
    key: { ...KEY, keyId: 'k2' },
  });
  return { maker: maker.code, scada: scada.code };
}

/** A credit event against enterprise E1 (the maker's), threshold 60. */
const creditEvent = (over: Partial<CreditEventInput> = {}): CreditEventInput => ({
  creditCode: 'E1',
  systemCode: null,
  kind: 'ADMIN',
  change: { by: -10 },
  reason: 'test',
  actor: 'test',
  reference: {},
  suspendBelow: 60,
  ...over,
});

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

    it('registers devices once: a re-run changes nothing, a clash refuses the whole batch', async () => {
      const store = await makeStore();
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
      const store = await makeStore();
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

    it('checks a device batch as a dry run, conflicts included, and writes nothing', async () => {
      const store = await makeStore();
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

    it("lists an application's keys and revokes one of them, that one only", async () => {
      const store = await makeStore();
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

    it('keeps the association catalog current as claims arrive', async () => {
      const store = await makeStore();
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

    it('refuses a claim on an unknown identifier and writes none of its batch', async () => {
      const store = await makeStore();
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

    it('drops a suspended system from the directory and the catalog, and brings it back', async () => {
      const store = await makeStore();
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

    it('gives each field one owner and numbers field codes per system', async () => {
      const store = await makeStore();
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

    it('audits and changes identifier status, logging each change', async () => {
      const store = await makeStore();
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

    it('records each credit event with its score change and log entry, keeping the score within 0-100', async () => {
      const store = await makeStore();
      const { maker } = await twoSystems(store);
      const tamper = await store.recordCreditEvent(
        creditEvent({
          systemCode: maker,
          kind: 'TAMPER',
          actor: 'gateway',
          reference: { deviceId: `${maker}/INV-1`, fieldCode: `${maker}.F0001` },
        }),
      );
      expect(tamper.enterprise.creditScore).toBe(70);
      expect(tamper.event).toMatchObject({
        creditCode: 'E1',
        systemCode: maker,
        kind: 'TAMPER',
        delta: -10,
        scoreBefore: 80,
        scoreAfter: 70,
        actor: 'gateway',
        reference: { deviceId: `${maker}/INV-1`, fieldCode: `${maker}.F0001` },
      });
      expect(tamper.suspended).toEqual([]);
      const capped = await store.recordCreditEvent(creditEvent({ change: { by: 50 } }));
      expect(capped.event).toMatchObject({ delta: 30, scoreBefore: 70, scoreAfter: 100 });
      expect(
        (await store.recordCreditEvent(creditEvent({ change: { to: 85 } }))).event,
      ).toMatchObject({ delta: -15, scoreAfter: 85 });
      expect((await store.getEnterprise('E1'))?.creditScore).toBe(85);
      const logged = (await store.log(0, 100)).filter((e) => e.action.startsWith('credit.'));
      expect(logged.map((e) => [e.action, e.subject, e.details['from'], e.details['to']])).toEqual([
        ['credit.tamper', 'E1', 80, 70],
        ['credit.admin', 'E1', 70, 100],
        ['credit.admin', 'E1', 100, 85],
      ]);
      expect(
        await conflict(store.recordCreditEvent(creditEvent({ creditCode: 'E404' }))),
      ).toMatchObject({ reason: 'NOT_FOUND' });
      await store.close();
    });

    it('suspends every active system of an enterprise whose score falls below the threshold, in the same transaction', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      const second = await store.createSystem({
        creditCode: 'E1',
        authorityPrefix: '88.9',
        name: 'maker-qa',
        subgraphName: 'makerqa',
        description: 'd',
        url: 'http://qa/',
        sdl: 'type Query { y: Int }',
        codingRule: '{code}',
        key: { keyId: 'k3', secretHash: 'h' },
        log: { actor: 'test', action: 'system.register', details: {} },
      });
      await store.updateSystem(
        second.code,
        { status: 'REVOKED' },
        log('system.revoked', second.code),
      );
      expect(
        (await store.recordCreditEvent(creditEvent({ change: { to: 60 } }))).suspended,
      ).toEqual([]);
      const fell = await store.recordCreditEvent(
        creditEvent({ systemCode: maker, kind: 'TAMPER', reason: 'tampered value' }),
      );
      expect(fell.suspended).toEqual([maker]);
      expect((await store.getSystem(maker))?.status).toBe('SUSPENDED');
      expect((await store.getSystem(second.code))?.status).toBe('REVOKED');
      expect((await store.getSystem(scada))?.status).toBe('ACTIVE');
      const suspension = (await store.log(0, 100)).find((e) => e.action === 'system.suspended');
      expect(suspension).toMatchObject({
        actor: 'credit',
        subject: maker,
        details: { from: 'ACTIVE', creditEvent: fell.event.seq },
      });
      expect(String(suspension?.details['reason'])).toContain('tampered value');
      expect((await store.recordCreditEvent(creditEvent())).suspended).toEqual([]);
      await store.close();
    });

    it('reactivates a suspended system with its reinstatement event, in one transaction', async () => {
      const store = await makeStore();
      const { maker } = await twoSystems(store);
      await store.recordCreditEvent(creditEvent({ change: { to: 20 } }));
      const back = await store.recordCreditEvent(
        creditEvent({
          systemCode: maker,
          kind: 'REINSTATEMENT',
          change: { to: 60 },
          reactivate: { systemCode: maker, log: log('system.active', maker) },
        }),
      );
      expect(back).toMatchObject({
        enterprise: { creditScore: 60 },
        event: { kind: 'REINSTATEMENT', delta: 40 },
        suspended: [],
        reactivated: { code: maker, status: 'ACTIVE' },
      });
      await store.close();
    });

    it('leaves score, history, log and statuses unchanged when a credit event is refused', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      const logBefore = await store.log(0, 100);
      // The score change would suspend the maker, but the reactivation it asks for is refused.
      const refused = await conflict(
        store.recordCreditEvent(
          creditEvent({
            change: { to: 10 },
            reactivate: { systemCode: scada, log: log('system.active', scada) },
          }),
        ),
      );
      expect(refused).toMatchObject({ reason: 'INVALID_STATE' });
      expect(
        await conflict(
          store.recordCreditEvent(creditEvent({ systemCode: scada, change: { to: 10 } })),
        ),
      ).toMatchObject({ reason: 'NOT_FOUND' });
      expect((await store.getEnterprise('E1'))?.creditScore).toBe(80);
      expect(await store.creditHistory({ after: 0, limit: 100 })).toEqual([]);
      expect((await store.getSystem(maker))?.status).toBe('ACTIVE');
      expect(await store.log(0, 100)).toEqual(logBefore);
      await store.close();
    });

    it('takes one rating per application and system per UTC day', async () => {
      const store = await makeStore();
      const { maker } = await twoSystems(store);
      const rating = (appId: string, systemCode = maker) =>
        creditEvent({
          systemCode,
          kind: 'FEEDBACK',
          change: { by: 1 },
          reference: { appId, rating: 4 },
        });
      await store.recordCreditEvent(rating('APP-0001'));
      expect(await conflict(store.recordCreditEvent(rating('APP-0001')))).toMatchObject({
        reason: 'FEEDBACK_LIMIT',
      });
      await store.recordCreditEvent(rating('APP-0002'));
      expect((await store.getEnterprise('E1'))?.creditScore).toBe(82);
      expect(
        (await store.creditHistory({ after: 0, limit: 10 })).map((e) => e.reference.appId),
      ).toEqual(['APP-0001', 'APP-0002']);
      await store.close();
    });

    it('reads the credit history oldest first, by enterprise or by system, after a sequence number', async () => {
      const store = await makeStore();
      const { maker, scada } = await twoSystems(store);
      await store.recordCreditEvent(creditEvent({ systemCode: maker, kind: 'TAMPER' }));
      await store.recordCreditEvent(
        creditEvent({
          creditCode: 'E2',
          systemCode: scada,
          kind: 'FAILED_VERIFICATION',
          change: { by: -2 },
          reference: { resolutionId: null, fieldCodes: [`${scada}.F0001`] },
        }),
      );
      await store.recordCreditEvent(creditEvent({ change: { to: 90 } }));
      const all = await store.creditHistory({ after: 0, limit: 10 });
      expect(all.map((e) => [e.creditCode, e.kind])).toEqual([
        ['E1', 'TAMPER'],
        ['E2', 'FAILED_VERIFICATION'],
        ['E1', 'ADMIN'],
      ]);
      expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
      expect(
        (await store.creditHistory({ creditCode: 'E1', after: 0, limit: 10 })).map((e) => e.kind),
      ).toEqual(['TAMPER', 'ADMIN']);
      expect(
        (await store.creditHistory({ systemCode: scada, after: 0, limit: 10 })).map(
          (e) => e.reference,
        ),
      ).toEqual([{ resolutionId: null, fieldCodes: [`${scada}.F0001`] }]);
      expect(
        (await store.creditHistory({ after: all[0]?.seq ?? 0, limit: 1 })).map((e) => e.kind),
      ).toEqual(['FAILED_VERIFICATION']);
      await store.close();
    });

    it('opens enterprise accounts: an application waits PENDING, approval stores its operator key, each change logged', async () => {
      const store = await makeStore();
      const applied = await store.applyEnterprise({
        ...account('E3', 'Applicant', { contact: 'ops@applicant.example' }),
        log: { actor: 'anonymous', action: 'enterprise.apply', details: {} },
      });
      expect(applied).toMatchObject({
        creditCode: 'E3',
        name: 'Applicant',
        status: 'PENDING',
        contact: 'ops@applicant.example',
        statusReason: null,
        creditScore: 80,
      });
      expect(await store.findPrincipal('ok-E3')).toBeUndefined();
      expect(await conflict(store.applyEnterprise(account('E3', 'Squatter')))).toMatchObject({
        reason: 'ALREADY_REGISTERED',
      });
      expect(
        await conflict(
          store.createEnterprise({ ...account('E3', 'Admin'), key: operatorKey('E3') }),
        ),
      ).toMatchObject({ reason: 'INVALID_STATE' });
      const approved = await store.reviewEnterprise(
        'E3',
        { status: 'APPROVED', key: operatorKey('E3') },
        log('enterprise.approve', 'E3'),
      );
      expect(approved.status).toBe('APPROVED');
      expect(await store.findPrincipal('ok-E3')).toMatchObject({
        role: 'ENTERPRISE_OPERATOR',
        creditCode: 'E3',
        systemCode: null,
        appId: null,
        revoked: false,
      });
      expect(
        await conflict(
          store.reviewEnterprise(
            'E3',
            { status: 'REJECTED', reason: 'late' },
            log('enterprise.reject', 'E3'),
          ),
        ),
      ).toMatchObject({ reason: 'INVALID_STATE' });
      expect(
        await conflict(
          store.reviewEnterprise(
            'E404',
            { status: 'REJECTED', reason: 'x' },
            log('enterprise.reject', 'E404'),
          ),
        ),
      ).toMatchObject({ reason: 'NOT_FOUND' });
      expect(
        await conflict(
          store.createEnterprise({ ...account('E3', 'Again'), key: operatorKey('E3b') }),
        ),
      ).toMatchObject({ reason: 'ALREADY_REGISTERED' });
      expect((await store.log(0, 10)).map((e) => [e.action, e.subject])).toEqual([
        ['enterprise.apply', 'E3'],
        ['enterprise.approve', 'E3'],
      ]);
      await store.close();
    });

    it('registers systems only for approved enterprises, and writes nothing for any other', async () => {
      const store = await makeStore();
      await store.applyEnterprise(account('E4', 'Pending'));
      await store.applyEnterprise(account('E5', 'Rejected'));
      await store.reviewEnterprise(
        'E5',
        { status: 'REJECTED', reason: 'not the enterprise it claims to be' },
        log('enterprise.reject', 'E5'),
      );
      const base = {
        authorityPrefix: '88.9',
        description: 'd',
        sdl: 'type Query { x: Int }',
        codingRule: '{code}',
        url: 'http://x/',
        log: { actor: 'test', action: 'system.register', details: {} },
      };
      for (const [creditCode, name] of [
        ['E4', 'pending'],
        ['E5', 'rejected'],
        ['E6', 'unknown'],
      ] as const) {
        expect(
          await conflict(
            store.createSystem({
              ...base,
              creditCode,
              name,
              subgraphName: name,
              key: { ...KEY, keyId: `k-${name}` },
            }),
          ),
        ).toMatchObject({ reason: 'ENTERPRISE_NOT_APPROVED' });
      }
      expect(await store.listSystems()).toEqual([]);
      expect(await store.findPrincipal('k-pending')).toBeUndefined();
      expect(
        (await store.listEnterprises('REJECTED')).map((e) => [e.creditCode, e.statusReason]),
      ).toEqual([['E5', 'not the enterprise it claims to be']]);
      expect((await store.listEnterprises()).map((e) => [e.creditCode, e.status])).toEqual([
        ['E4', 'PENDING'],
        ['E5', 'REJECTED'],
      ]);
      await store.close();
    });

    it('lets a rejected enterprise apply again, keeping its score, and an admin open its account directly', async () => {
      const store = await makeStore();
      await store.applyEnterprise(account('E7', 'First try'));
      await store.reviewEnterprise(
        'E7',
        { status: 'REJECTED', reason: 'unverified' },
        log('enterprise.reject', 'E7'),
      );
      expect(
        await store.applyEnterprise(account('E7', 'Second try', { initialScore: 10 })),
      ).toMatchObject({
        name: 'Second try',
        status: 'PENDING',
        statusReason: null,
        creditScore: 80,
      });
      await store.reviewEnterprise(
        'E7',
        { status: 'REJECTED', reason: 'still unverified' },
        log('enterprise.reject', 'E7'),
      );
      expect(
        await store.createEnterprise({ ...account('E7', 'Verified Co.'), key: operatorKey('E7') }),
      ).toMatchObject({ name: 'Verified Co.', status: 'APPROVED' });
      expect(await store.findPrincipal('ok-E7')).toMatchObject({
        role: 'ENTERPRISE_OPERATOR',
        creditCode: 'E7',
      });
      await store.close();
    });
  });
}
