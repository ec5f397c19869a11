import { describe, expect, it } from 'vitest';
import {
  log,
  KEY,
  account,
  operatorKey,
  conflict,
  type OpenStore,
} from './store-suite-fixtures.js';

// The registry store suite: enterprise accounts, from application to approval, and what they allow.

/** Applications, approvals and rejections of enterprise accounts, each logged. */
export function describeEnterpriseAccounts(open: OpenStore): void {
  describe('enterprise accounts', () => {
    it('opens enterprise accounts: an application waits PENDING, approval stores its operator key, each change logged', async () => {
      const store = await open();
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
  });
}

/** Only an approved enterprise registers business systems. */
export function describeApprovedEnterprises(open: OpenStore): void {
  describe('approved enterprises', () => {
    it('registers systems only for approved enterprises, and writes nothing for any other', async () => {
      const store = await open();
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
  });
}

/** A rejected enterprise applies again, or an admin opens its account. */
export function describeReapplications(open: OpenStore): void {
  describe('reapplications', () => {
    it('lets a rejected enterprise apply again, keeping its score, and an admin open its account directly', async () => {
      const store = await open();
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
