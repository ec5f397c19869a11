import { describe, expect, it } from 'vitest';
import { log, twoSystems, creditEvent, conflict, type OpenStore } from './store-suite-fixtures.js';

// The registry store suite: credit events, the suspensions they cause, and the credit history.

/** Each credit event with its score change and log entry. */
export function describeCreditScores(open: OpenStore): void {
  describe('credit scores', () => {
    it('records each credit event with its score change and log entry, keeping the score within 0-100', async () => {
      const store = await open();
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
  });
}

/** Suspensions below the threshold and reinstatements, each in one transaction. */
export function describeCreditSuspensions(open: OpenStore): void {
  describe('suspension and reinstatement', () => {
    it('suspends every active system of an enterprise whose score falls below the threshold, in the same transaction', async () => {
      const store = await open();
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
      const store = await open();
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
  });
}

/** Credit events refused, writing nothing, and the daily rating limit. */
export function describeRefusedCreditEvents(open: OpenStore): void {
  describe('refused credit events', () => {
    it('leaves score, history, log and statuses unchanged when a credit event is refused', async () => {
      const store = await open();
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
      const store = await open();
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
  });
}

/** The credit history, by enterprise or by system. */
export function describeCreditHistory(open: OpenStore): void {
  describe('credit history', () => {
    it('reads the credit history oldest first, by enterprise or by system, after a sequence number', async () => {
      const store = await open();
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
  });
}
