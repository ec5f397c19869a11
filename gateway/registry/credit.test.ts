import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { FEEDBACK_DELTAS } from './credit-rules.js';
import { createRegistry, type Registry, type RegistryOptions } from './registry-service.js';
import type { Caller } from './registry-types.js';
import { openSqliteRegistryStore } from './sqlite/sqlite-registry-store.js';
import { onboardEnterprise } from '../testing/index.js';

const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'admin', label: 'admin' };
const AUDITOR: Caller = { role: 'AUDITOR', keyId: 'auditor', label: 'auditor' };
const APP: Caller = { role: 'APPLICATION', keyId: 'app', label: 'analytics', appId: 'APP-0001' };
const MAKER = '91320500MA1N7PXK3R';
const PLANT = '91640100MA77LQ3F21';
const SDL = (fields: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${fields} }`;
const SDLS: Record<string, string> = {
  maker: SDL('model: String'),
  scada: SDL('outputPowerW: Float'),
  clasher: SDL('model: Int'),
};

/** A registry over an in-memory store with two systems: the maker (88.1001.1) and the plant's SCADA (88.1001.2). */
async function twoSystems(
  options: Partial<RegistryOptions> = {},
): Promise<{ registry: Registry; changes: () => number }> {
  const registry = createRegistry({
    store: openSqliteRegistryStore({ path: ':memory:' }),
    authorityPrefix: '88.1001',
    probeSubgraph: (name) => Promise.resolve(SDLS[name] ?? ''),
    ...options,
  });
  const register = async (name: string, creditCode: string) =>
    registry.registerSystem((await onboardEnterprise(registry, { creditCode, name })).caller, {
      creditCode,
      systemName: name,
      subgraphName: name,
      description: name,
      url: `http://${name}.test/`,
    });
  await register('maker', MAKER);
  await register('scada', PLANT);
  let changes = 0;
  registry.onSystemsChanged(() => changes++);
  return { registry, changes: () => changes };
}

async function refusal(work: Promise<unknown>): Promise<GridmarkError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridmarkError);
  return error as GridmarkError;
}

describe('credit evaluation', () => {
  it("takes 10 points per tampered value and suspends the enterprise's systems once the score is below the threshold", async () => {
    const { registry, changes } = await twoSystems();
    const finding = { deviceId: '88.1001.1/INV-1', fieldCode: '88.1001.1.F0001' };
    expect(await registry.penalizeTampering('88.1001.1', finding)).toMatchObject({
      creditCode: MAKER,
      creditScore: 70,
      suspended: [],
      event: { kind: 'TAMPER', delta: -10, actor: 'gateway', reference: finding },
    });
    expect((await registry.penalizeTampering('88.1001.1', finding)).suspended).toEqual([]);
    expect(changes()).toBe(0);
    const third = await registry.penalizeTampering('88.1001.1', finding);
    expect(third).toMatchObject({ creditScore: 50, suspended: ['88.1001.1'] });
    expect((await registry.getSystem('88.1001.1'))?.status).toBe('SUSPENDED');
    expect((await registry.activeSubgraphs()).map((s) => s.name)).toEqual(['scada']);
    expect(changes()).toBe(1);
    expect((await refusal(registry.penalizeTampering('88.1001.9', finding))).code).toBe(
      'NOT_FOUND',
    );
    await registry.close();
  });

  it('takes 2 points for a failed verification, once per system and query, naming the resolution and fields', async () => {
    const { registry } = await twoSystems();
    const outcome = await registry.penalizeFailedVerification('88.1001.2', {
      resolutionId: 'r-1',
      fieldCodes: ['88.1001.2.F0001', '88.1001.2.F0001'],
    });
    expect(outcome).toMatchObject({
      creditCode: PLANT,
      creditScore: 78,
      event: {
        kind: 'FAILED_VERIFICATION',
        delta: -2,
        systemCode: '88.1001.2',
        reference: { resolutionId: 'r-1', fieldCodes: ['88.1001.2.F0001'] },
      },
    });
    expect(
      (
        await refusal(
          registry.penalizeFailedVerification('88.1001.2', { resolutionId: null, fieldCodes: [] }),
        )
      ).code,
    ).toBe('BAD_INPUT');
    await registry.close();
  });

  it("records an admin's score as an ADMIN event", async () => {
    const { registry } = await twoSystems();
    expect((await registry.setCreditScore(ADMIN, MAKER, 95, 'audit passed')).event).toMatchObject({
      kind: 'ADMIN',
      scoreBefore: 80,
      scoreAfter: 95,
      delta: 15,
      actor: 'PLATFORM_ADMIN:admin',
      systemCode: null,
    });
    expect((await refusal(registry.setCreditScore(AUDITOR, MAKER, 95, 'x'))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(registry.setCreditScore(ADMIN, MAKER, 101, 'x'))).details).toEqual({
      field: 'score',
    });
    await registry.close();
  });

  describe('feedback', () => {
    it('maps ratings 1-5 to -3, -1, 0, +1, +1, each a FEEDBACK event naming the application', async () => {
      expect(FEEDBACK_DELTAS).toEqual({ 1: -3, 2: -1, 3: 0, 4: 1, 5: 1 });
      const { registry } = await twoSystems({ tradedWith: () => Promise.resolve(true) });
      const rated = await registry.submitFeedback(APP, {
        systemCode: '88.1001.2',
        score: 1,
        reason: 'late values',
      });
      expect(rated).toMatchObject({
        creditScore: 77,
        event: {
          kind: 'FEEDBACK',
          delta: -3,
          actor: 'APPLICATION:app',
          reference: { appId: 'APP-0001', rating: 1 },
        },
      });
      expect(
        (
          await registry.submitFeedback(APP, {
            systemCode: '88.1001.1',
            score: 5,
            reason: 'complete records',
          })
        ).creditScore,
      ).toBe(81);
      await registry.close();
    });

    it('refuses a second rating of the same system by the same application on the same UTC day', async () => {
      const { registry } = await twoSystems({ tradedWith: () => Promise.resolve(true) });
      await registry.submitFeedback(APP, { systemCode: '88.1001.2', score: 4, reason: 'good' });
      const again = await refusal(
        registry.submitFeedback(APP, {
          systemCode: '88.1001.2',
          score: 1,
          reason: 'changed my mind',
        }),
      );
      expect(again.code).toBe('FEEDBACK_LIMIT');
      expect((await registry.getEnterprise(PLANT))?.creditScore).toBe(81);
      await registry.close();
    });

    it('takes ratings only from applications that traded with the system', async () => {
      const traded = new Set(['APP-0001 88.1001.2']);
      const { registry } = await twoSystems({
        tradedWith: (appId, systemCode) => Promise.resolve(traded.has(`${appId} ${systemCode}`)),
      });
      const input = { systemCode: '88.1001.1', score: 4, reason: 'fine' };
      expect(await refusal(registry.submitFeedback(APP, input))).toMatchObject({
        code: 'NO_TRADE_WITH_SYSTEM',
        details: { systemCode: '88.1001.1' },
      });
      expect((await refusal(registry.submitFeedback(ADMIN, input))).code).toBe('FORBIDDEN');
      expect((await refusal(registry.submitFeedback({ role: 'ANONYMOUS' }, input))).code).toBe(
        'UNAUTHENTICATED',
      );
      expect(
        (await refusal(registry.submitFeedback(APP, { ...input, systemCode: '88.1001.9' }))).code,
      ).toBe('NOT_FOUND');
      for (const score of [0, 6, 2.5, Number.NaN])
        expect(await refusal(registry.submitFeedback(APP, { ...input, score }))).toMatchObject({
          code: 'BAD_INPUT',
          details: { field: 'score' },
        });
      expect(await registry.creditHistory(ADMIN, {})).toEqual([]);
      await registry.close();
    });

    it('refuses every rating when the registry cannot tell who traded with whom', async () => {
      const { registry } = await twoSystems();
      expect(
        (
          await refusal(
            registry.submitFeedback(APP, { systemCode: '88.1001.2', score: 5, reason: 'great' }),
          )
        ).code,
      ).toBe('NO_TRADE_WITH_SYSTEM');
      await registry.close();
    });
  });

  describe('reinstatement', () => {
    async function suspendedMaker(): Promise<{ registry: Registry; changes: () => number }> {
      const setup = await twoSystems();
      await setup.registry.setCreditScore(ADMIN, MAKER, 30, 'repeated tampering');
      return setup;
    }

    it('raises the score to the threshold by default and brings the system back into the supergraph', async () => {
      const { registry, changes } = await suspendedMaker();
      const back = await registry.reinstateSystem(AUDITOR, '88.1001.1', {
        reason: 'site audit passed',
      });
      expect(back.system.status).toBe('ACTIVE');
      expect(back.event).toMatchObject({
        kind: 'REINSTATEMENT',
        scoreBefore: 30,
        scoreAfter: 60,
        systemCode: '88.1001.1',
        actor: 'AUDITOR:auditor',
      });
      expect((await registry.activeSubgraphs()).map((s) => s.name)).toEqual(['maker', 'scada']);
      expect(changes()).toBe(2); // the suspension, then the reinstatement
      expect((await registry.log(ADMIN, 0, 100)).at(-1)).toMatchObject({
        action: 'system.active',
        subject: '88.1001.1',
        details: { reinstated: true },
      });
      await registry.close();
    });

    it('raises the score to the one given, and leaves a score at or above the threshold alone', async () => {
      const { registry } = await suspendedMaker();
      expect(
        (await registry.reinstateSystem(ADMIN, '88.1001.1', { reason: 'appeal', score: 75 })).event
          ?.scoreAfter,
      ).toBe(75);
      await registry.setSystemStatus(ADMIN, '88.1001.1', 'SUSPENDED', 'maintenance');
      const again = await registry.reinstateSystem(ADMIN, '88.1001.1', {
        reason: 'maintenance over',
        score: 90,
      });
      expect(again).toMatchObject({ system: { status: 'ACTIVE' }, event: null });
      expect((await registry.getEnterprise(MAKER))?.creditScore).toBe(75);
      await registry.close();
    });

    it('refuses a score below the threshold, a system that is not suspended, and callers other than admins and auditors', async () => {
      const { registry } = await suspendedMaker();
      expect(
        await refusal(registry.reinstateSystem(ADMIN, '88.1001.1', { reason: 'x', score: 59 })),
      ).toMatchObject({ code: 'BAD_INPUT', details: { field: 'score' } });
      expect(
        (await refusal(registry.reinstateSystem(ADMIN, '88.1001.2', { reason: 'x' }))).code,
      ).toBe('INVALID_STATE');
      expect(
        (
          await refusal(
            registry.reinstateSystem(
              { role: 'ENTERPRISE_USER', keyId: 'k', label: 'l', systemCode: '88.1001.1' },
              '88.1001.1',
              { reason: 'x' },
            ),
          )
        ).code,
      ).toBe('FORBIDDEN');
      await registry.setSystemStatus(ADMIN, '88.1001.1', 'REVOKED', 'closed');
      expect(
        (await refusal(registry.reinstateSystem(ADMIN, '88.1001.1', { reason: 'x' }))).code,
      ).toBe('INVALID_STATE');
      expect((await registry.getEnterprise(MAKER))?.creditScore).toBe(30);
      await registry.close();
    });

    it('changes nothing when the system no longer composes with what joined meanwhile', async () => {
      const { registry } = await suspendedMaker();
      const clasher = await onboardEnterprise(registry, {
        creditCode: '91640000227694411F',
        name: 'Clasher',
      });
      await registry.registerSystem(clasher.caller, {
        creditCode: '91640000227694411F',
        systemName: 'clasher',
        subgraphName: 'clasher',
        description: 'clash',
        url: 'http://clasher.test/',
      });
      const history = await registry.creditHistory(ADMIN, {});
      expect(
        (await refusal(registry.reinstateSystem(ADMIN, '88.1001.1', { reason: 'appeal' }))).code,
      ).toBe('COMPOSITION_FAILED');
      expect((await registry.getSystem('88.1001.1'))?.status).toBe('SUSPENDED');
      expect((await registry.getEnterprise(MAKER))?.creditScore).toBe(30);
      expect(await registry.creditHistory(ADMIN, {})).toEqual(history);
      await registry.close();
    });
  });

  it('shows the credit history, oldest first, to any authenticated caller', async () => {
    const { registry } = await twoSystems();
    await registry.penalizeTampering('88.1001.1', {
      deviceId: '88.1001.1/A',
      fieldCode: '88.1001.1.F0001',
    });
    await registry.penalizeFailedVerification('88.1001.2', {
      resolutionId: null,
      fieldCodes: ['88.1001.2.F0001'],
    });
    await registry.setCreditScore(ADMIN, MAKER, 90, 'appeal');
    expect((await registry.creditHistory(APP, {})).map((e) => e.kind)).toEqual([
      'TAMPER',
      'FAILED_VERIFICATION',
      'ADMIN',
    ]);
    expect(
      (await registry.creditHistory(APP, { creditCode: MAKER.toLowerCase() })).map((e) => e.kind),
    ).toEqual(['TAMPER', 'ADMIN']);
    expect(
      (await registry.creditHistory(APP, { systemCode: '88.1001.2' })).map((e) => e.kind),
    ).toEqual(['FAILED_VERIFICATION']);
    const [first] = await registry.creditHistory(APP, { limit: 1 });
    expect(
      (await registry.creditHistory(APP, { after: first?.seq ?? 0, limit: 1 })).map((e) => e.kind),
    ).toEqual(['FAILED_VERIFICATION']);
    expect((await refusal(registry.creditHistory({ role: 'ANONYMOUS' }, {}))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect(await refusal(registry.creditHistory(APP, { after: -1 }))).toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'after' },
    });
    await registry.close();
  });
});
