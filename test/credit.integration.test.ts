import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Caller,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import { silentLogger } from '../schema/index.js';
import {
  defineSubgraph,
  serveSubgraph,
  type RunningSubgraph,
  type ShareableField,
} from '../subgraphs/index.js';

/** Credit evaluation over HTTP: the registry API, and the live supergraph following suspensions. */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-credit-it-'));
const MAKER_CODE = '91320500MA1N7PXK3R';
const PLANT_CODE = '91640100MA77LQ3F21';
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };

const kit = (name: string, fields: ShareableField[]) =>
  defineSubgraph({
    name,
    title: name,
    fields,
    loadDevices: (ids) =>
      Promise.resolve(
        new Map(
          ids.map((id) => [
            id,
            Object.fromEntries(
              fields.map((f) => [f.name, f.type === 'Float' ? 1234.5 : `${f.name}:${id}`]),
            ),
          ]),
        ),
      ),
  });

let registry: Registry;
let gateway: Gateway;
let base: string;
let adminKey: string;
let appKey: string;
const running: RunningSubgraph[] = [];
/** Pairs "<application> <system code>" that traded. */
const trades = new Set<string>();

async function gql<T = Record<string, unknown>>(
  path: string,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
) {
  const response = await fetch(new URL(path, base), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}
const api = <T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
) => gql<T>('/registry', query, variables, key);
const FEEDBACK =
  'mutation ($c: ID!, $s: Int!, $r: String!) { submitFeedback(systemCode: $c, score: $s, reason: $r) { kind delta scoreBefore scoreAfter reference { appId rating } } }';

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const served: Record<string, string> = {};
  for (const subgraph of [
    kit('maker', [{ name: 'model', type: 'String', description: 'Model.' }]),
    kit('scada', [{ name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' }]),
  ]) {
    const server = await serveSubgraph(subgraph, { port: 0 }, { logger: silentLogger });
    running.push(server);
    served[subgraph.name] = server.url;
  }
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    tradedWith: (appId, systemCode) => Promise.resolve(trades.has(`${appId} ${systemCode}`)),
  });
  adminKey = await registry.bootstrapAdminKey('test console');
  const register = async (name: string, creditCode: string) =>
    registry.registerSystem((await onboardEnterprise(registry, { creditCode, name })).caller, {
      creditCode,
      systemName: name,
      subgraphName: name,
      description: name,
      url: served[name] ?? '',
    });
  await register('maker', MAKER_CODE);
  await register('scada', PLANT_CODE);
  await registry.registerFields(ADMIN, '88.1001.1', [{ name: 'model' }]);
  await registry.registerFields(ADMIN, '88.1001.2', [{ name: 'outputPowerW' }]);
  await registry.registerDevices(ADMIN, '88.1001.1', [{ localCode: 'INV-1', kind: 'INVERTER' }]);
  await registry.claimDevices(ADMIN, '88.1001.2', [
    { identifier: '88.1001.1/INV-1', localCode: 'P.INV1' },
  ]);
  const app = await registry.registerApplication(ADMIN, { name: 'analytics', roles: ['analyst'] });
  appKey = app.apiKey;
  trades.add(`${app.application.appId} 88.1001.2`);
  gateway = createGateway({ registry, logger: silentLogger, mode: 'development' });
  await gateway.start();
  base = await gateway.listen(0);
  await until(() => gateway.status().composed.includes('scada'));
});

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await Promise.all(running.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('credit evaluation through the registry API', () => {
  it("takes an application's rating of a system it traded with, once a day", async () => {
    const rated = await api(FEEDBACK, { c: '88.1001.2', s: 1, r: 'values arrived late' }, appKey);
    expect(rated).toEqual({
      data: {
        submitFeedback: {
          kind: 'FEEDBACK',
          delta: -3,
          scoreBefore: 80,
          scoreAfter: 77,
          reference: { appId: 'APP-0001', rating: 1 },
        },
      },
    });
    expect(
      (await api(FEEDBACK, { c: '88.1001.2', s: 5, r: 'better now' }, appKey)).errors?.[0]
        ?.extensions,
    ).toMatchObject({ code: 'FEEDBACK_LIMIT' });
  });

  it('refuses a rating without a trade, out of range, or from anyone but an application', async () => {
    expect(
      (await api(FEEDBACK, { c: '88.1001.1', s: 4, r: 'fine' }, appKey)).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'NO_TRADE_WITH_SYSTEM', systemCode: '88.1001.1' });
    expect(
      (await api(FEEDBACK, { c: '88.1001.2', s: 9, r: 'fine' }, appKey)).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'BAD_INPUT', field: 'score' });
    expect(
      (await api(FEEDBACK, { c: '88.1001.2', s: 4, r: 'fine' }, adminKey)).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      (await api(FEEDBACK, { c: '88.1001.9', s: 4, r: 'fine' }, appKey)).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('drops a system whose enterprise fell below the threshold from the live supergraph', async () => {
    const before = await gql('/', '{ device(id: "88.1001.1/INV-1") { model outputPowerW } }');
    expect(before).toEqual({
      data: { device: { model: 'model:88.1001.1/INV-1', outputPowerW: 1234.5 } },
    });
    const tampered = { deviceId: '88.1001.1/INV-1', fieldCode: '88.1001.2.F0001' };
    expect((await registry.penalizeTampering('88.1001.2', tampered)).suspended).toEqual([]);
    expect(
      (
        await registry.penalizeFailedVerification('88.1001.2', {
          resolutionId: null,
          fieldCodes: ['88.1001.2.F0001'],
        })
      ).suspended,
    ).toEqual([]);
    expect((await registry.penalizeTampering('88.1001.2', tampered)).suspended).toEqual([
      '88.1001.2',
    ]);
    await until(() => !gateway.status().composed.includes('scada'));
    const after = await gql('/', '{ device(id: "88.1001.1/INV-1") { model outputPowerW } }');
    expect(after.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(after.errors?.[0]?.message).toContain('outputPowerW');
    expect((await gql('/', '{ device(id: "88.1001.1/INV-1") { model heldBy } }')).data).toEqual({
      device: { model: 'model:88.1001.1/INV-1', heldBy: ['maker'] },
    });
  });

  it('shows the credit history to an application, by system, by enterprise and on the enterprise', async () => {
    const bySystem = await api<{
      creditHistory: { kind: string; delta: number; scoreAfter: number }[];
    }>('{ creditHistory(systemCode: "88.1001.2") { kind delta scoreAfter } }', {}, appKey);
    expect(bySystem.data?.creditHistory).toEqual([
      { kind: 'FEEDBACK', delta: -3, scoreAfter: 77 },
      { kind: 'TAMPER', delta: -10, scoreAfter: 67 },
      { kind: 'FAILED_VERIFICATION', delta: -2, scoreAfter: 65 },
      { kind: 'TAMPER', delta: -10, scoreAfter: 55 },
    ]);
    const onEnterprise = await api<{
      system: { enterprise: { creditScore: number; creditHistory: { kind: string }[] } };
    }>(
      '{ system(code: "88.1001.2") { enterprise { creditScore creditHistory(after: 0, limit: 1) { kind } } } }',
      {},
      appKey,
    );
    expect(onEnterprise.data?.system.enterprise).toEqual({
      creditScore: 55,
      creditHistory: [{ kind: 'FEEDBACK' }],
    });
    expect(
      (await api('{ creditHistory(creditCode: "91320500MA1N7PXK3R") { seq } }', {}, appKey)).data,
    ).toEqual({ creditHistory: [] });
    expect((await api('{ creditHistory { seq } }')).errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('reinstates the system at the threshold and serves its fields again', async () => {
    const r = await api(
      'mutation { reinstateSystem(code: "88.1001.2", reason: "audit passed") { system { status } creditEvent { kind scoreBefore scoreAfter } } }',
      {},
      adminKey,
    );
    expect(r).toEqual({
      data: {
        reinstateSystem: {
          system: { status: 'ACTIVE' },
          creditEvent: { kind: 'REINSTATEMENT', scoreBefore: 55, scoreAfter: 60 },
        },
      },
    });
    await until(() => gateway.status().composed.includes('scada'));
    expect((await gql('/', '{ device(id: "88.1001.1/INV-1") { outputPowerW } }')).data).toEqual({
      device: { outputPowerW: 1234.5 },
    });
    expect(
      (
        await api(
          'mutation { reinstateSystem(code: "88.1001.2", reason: "again") { system { status } } }',
          {},
          adminKey,
        )
      ).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'INVALID_STATE' });
  });
});
