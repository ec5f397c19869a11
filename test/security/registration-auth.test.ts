import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Gateway,
  type Registry,
} from '../../gateway/index.js';
import { silentLogger } from '../../schema/index.js';
import {
  defineSubgraph,
  serveSubgraph,
  type RunningSubgraph,
  type ShareableField,
} from '../../subgraphs/index.js';

/**
 * An attacker who knows an enterprise's unified social credit code (it is printed on its business
 * licence) tries to register business systems in its name, to act for its systems, and to drag its
 * credit down until its real systems are suspended. Over real HTTP, the registry API refuses every
 * step: only an onboarded enterprise's own operator key (or a platform admin) acts for it.
 */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-registration-auth-'));
const MAKER_CODE = '91320500MA1N7PXK3R';
const PLANT_CODE = '91640100MA77LQ3F21';
const PENDING_CODE = '91640000227694411F';
const REJECTED_CODE = '91640100MA76D2W859';

const kit = (name: string, field: string) => {
  const fields: ShareableField[] = [{ name: field, type: 'String', description: `${field}.` }];
  return defineSubgraph({
    name,
    title: name,
    fields,
    loadDevices: (ids) =>
      Promise.resolve(new Map(ids.map((id) => [id, { [field]: `${field}:${id}` }]))),
  });
};

let registry: Registry;
let gateway: Gateway;
let base = '';
let adminKey = '';
const running: RunningSubgraph[] = [];
const urls: Record<string, string> = {};
/** Operator keys of the two onboarded enterprises: the maker (A) and the plant (B). */
const operator = { maker: '', plant: '' };
let plantSystem = '';

type GraphqlError = { message: string; extensions?: Record<string, unknown> };
async function api<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
): Promise<{ status: number; data?: T | null; errors?: GraphqlError[] }> {
  const response = await fetch(new URL('/registry', base), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    ...((await response.json()) as { data?: T | null; errors?: GraphqlError[] }),
  };
}
const codeOf = (r: { errors?: GraphqlError[] }): unknown => r.errors?.[0]?.extensions?.['code'];

const REGISTER =
  'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code } apiKey } }';
const CREATE =
  'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { enterprise { status } apiKey } }';
const APPLY =
  'mutation ($input: EnterpriseInput!) { applyForEnterprise(input: $input) { creditCode status } }';
const APPROVE =
  'mutation ($c: String!) { approveEnterprise(creditCode: $c) { enterprise { status } apiKey } }';
const REJECT =
  'mutation ($c: String!, $r: String!) { rejectEnterprise(creditCode: $c, reason: $r) { status statusReason } }';
const system = (creditCode: string, subgraphName: string) => ({
  creditCode,
  systemName: subgraphName,
  subgraphName,
  description: 'A business system.',
  url: urls[subgraphName],
});

/** What an attack must leave as it was: B's systems, their URLs, holdings and B's credit. */
async function plantState(): Promise<unknown> {
  const systems = (await registry.listSystems())
    .filter((s) => s.enterpriseCreditCode === PLANT_CODE)
    .map((s) => [s.code, s.url, s.status]);
  const holdings = (
    await registry.statistics({ role: 'PLATFORM_ADMIN', keyId: 't', label: 't' })
  ).perSystem.map((s) => [s.systemCode, s.held, s.fields]);
  return { systems, holdings, credit: (await registry.getEnterprise(PLANT_CODE))?.creditScore };
}

beforeAll(async () => {
  for (const [name, field] of [
    ['scada', 'outputPowerW'],
    ['maker', 'model'],
    ['forged', 'forgedReading'],
    ['pending', 'pendingReading'],
    ['rejected', 'rejectedReading'],
  ] as const) {
    const served = await serveSubgraph(kit(name, field), { port: 0 }, { logger: silentLogger });
    running.push(served);
    urls[name] = served.url;
  }
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    authorityPrefix: '88.1001',
    outbound: DEVELOPMENT_OUTBOUND,
    logger: silentLogger,
  });
  adminKey = await registry.bootstrapAdminKey('test console');
  gateway = createGateway({ registry, logger: silentLogger, mode: 'development' });
  await gateway.start();
  base = await gateway.listen(0);
  for (const [name, creditCode, enterpriseName] of [
    ['maker', MAKER_CODE, 'Maker Co.'],
    ['plant', PLANT_CODE, 'Plant Co.'],
  ] as const) {
    const created = await api<{ createEnterprise: { apiKey: string } }>(
      CREATE,
      { input: { creditCode, name: enterpriseName } },
      adminKey,
    );
    operator[name] = created.data?.createEnterprise.apiKey ?? '';
  }
  const registered = await api<{ registerSystem: { system: { code: string } } }>(
    REGISTER,
    { input: system(PLANT_CODE, 'scada') },
    operator.plant,
  );
  plantSystem = registered.data?.registerSystem.system.code ?? '';
  await registry.registerFields({ role: 'PLATFORM_ADMIN', keyId: 't', label: 't' }, plantSystem, [
    { name: 'outputPowerW', feeFen: 1 },
  ]);
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await Promise.all(running.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('registration under a credit code', () => {
  it("refuses an anonymous registration under an onboarded enterprise's credit code", async () => {
    const before = await plantState();
    const r = await api(REGISTER, {
      input: { ...system(PLANT_CODE, 'forged'), enterpriseName: 'Plant Co.' },
    });
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
    expect(r.data).toBeNull();
    expect(await plantState()).toEqual(before);
    expect((await registry.listSystems()).map((s) => s.subgraphName)).toEqual(['scada']);
  });

  it("refuses enterprise A's operator key registering a system under B's credit code", async () => {
    const before = await plantState();
    const r = await api(REGISTER, { input: system(PLANT_CODE, 'forged') }, operator.maker);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await plantState()).toEqual(before);
    // Its own credit code, with its own key, works.
    const own = await api<{ registerSystem: { system: { code: string } } }>(
      REGISTER,
      { input: system(MAKER_CODE, 'maker') },
      operator.maker,
    );
    expect(own.errors).toBeUndefined();
    expect(
      (await registry.getSystem(own.data?.registerSystem.system.code ?? ''))?.enterpriseCreditCode,
    ).toBe(MAKER_CODE);
  });

  it("refuses a system's own key registering further systems for its enterprise", async () => {
    const plantsOwn = await api<{ registerSystem: { apiKey: string } }>(
      REGISTER,
      { input: system(PLANT_CODE, 'pending') },
      operator.plant,
    );
    const systemKey = plantsOwn.data?.registerSystem.apiKey ?? '';
    expect(systemKey).toMatch(/^gmk_/);
    expect(codeOf(await api(REGISTER, { input: system(PLANT_CODE, 'forged') }, systemKey))).toBe(
      'FORBIDDEN',
    );
  });
});

describe("acting for another enterprise's systems", () => {
  it("refuses A's key changing B's system's endpoint", async () => {
    const before = await plantState();
    const r = await api(
      'mutation ($c: ID!, $u: String!) { updateSystemEndpoint(code: $c, url: $u) { url } }',
      { c: plantSystem, u: urls['forged'] },
      operator.maker,
    );
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(await plantState()).toEqual(before);
    expect((await registry.getSystem(plantSystem))?.url).toBe(urls['scada']);
  });

  it("refuses A's key filing claims, devices or fields for B's system", async () => {
    await registry.registerDevices(
      { role: 'PLATFORM_ADMIN', keyId: 't', label: 't' },
      plantSystem,
      [{ localCode: 'INV-1', kind: 'INVERTER' }],
    );
    const before = await plantState();
    const claim = await api(
      'mutation ($c: ID!, $d: [ClaimInput!]!) { claimDevices(systemCode: $c, claims: $d) { registered } }',
      { c: plantSystem, d: [{ identifier: `${plantSystem}/INV-1`, localCode: 'FORGED-1' }] },
      operator.maker,
    );
    expect(codeOf(claim)).toBe('FORBIDDEN');
    const devices = await api(
      'mutation ($c: ID!) { registerDevices(systemCode: $c, devices: [{ localCode: "GHOST-1", kind: METER }]) { registered } }',
      { c: plantSystem },
      operator.maker,
    );
    expect(codeOf(devices)).toBe('FORBIDDEN');
    const fields = await api(
      'mutation ($c: ID!) { registerFields(systemCode: $c, fields: [{ name: "outputPowerW", feeFen: 0 }]) { feeFen } }',
      { c: plantSystem },
      operator.maker,
    );
    expect(codeOf(fields)).toBe('FORBIDDEN');
    expect(await plantState()).toEqual(before);
    expect((await registry.getIdentifier(`${plantSystem}/INV-1`))?.holdings).toEqual([
      { systemCode: plantSystem, localCode: 'INV-1' },
    ]);
    expect((await registry.listFields(plantSystem)).map((f) => f.feeFen)).toEqual([1]);
  });

  it("lets B's operator key act for B's system", async () => {
    const r = await api(
      'mutation ($c: ID!, $d: [ClaimInput!]!) { claimDevices(systemCode: $c, claims: $d) { registered } }',
      { c: plantSystem, d: [{ identifier: `${plantSystem}/INV-1`, localCode: 'INV-1' }] },
      operator.plant,
    );
    expect(r).toMatchObject({ data: { claimDevices: { registered: 0 } } });
  });
});

describe('self-service applications', () => {
  it('refuses an application that takes over an onboarded credit code', async () => {
    expect(
      codeOf(await api(APPLY, { input: { creditCode: PLANT_CODE, name: 'Not Plant Co.' } })),
    ).toBe('ALREADY_REGISTERED');
    expect((await registry.getEnterprise(PLANT_CODE))?.name).toBe('Plant Co.');
  });

  it('keeps a pending application from registering anything until an admin approves it', async () => {
    const applied = await api(APPLY, {
      input: { creditCode: PENDING_CODE, name: 'Pending Co.', contact: 'ops@pending.example' },
    });
    expect(applied.data).toEqual({
      applyForEnterprise: { creditCode: PENDING_CODE, status: 'PENDING' },
    });
    expect(codeOf(await api(REGISTER, { input: system(PENDING_CODE, 'forged') }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      codeOf(await api(REGISTER, { input: system(PENDING_CODE, 'forged') }, operator.maker)),
    ).toBe('FORBIDDEN');
    expect(await api(REGISTER, { input: system(PENDING_CODE, 'forged') }, adminKey)).toMatchObject({
      errors: [{ extensions: { code: 'ENTERPRISE_NOT_APPROVED', creditCode: PENDING_CODE } }],
    });
    expect(codeOf(await api(APPROVE, { c: PENDING_CODE }, operator.maker))).toBe('FORBIDDEN');
    expect(
      (await registry.listSystems()).some((s) => s.enterpriseCreditCode === PENDING_CODE),
    ).toBe(false);

    const approved = await api<{
      approveEnterprise: { enterprise: { status: string }; apiKey: string };
    }>(APPROVE, { c: PENDING_CODE }, adminKey);
    expect(approved.data?.approveEnterprise.enterprise.status).toBe('APPROVED');
    const key = approved.data?.approveEnterprise.apiKey ?? '';
    expect((await api<{ me: unknown }>('{ me { role creditCode } }', {}, key)).data?.me).toEqual({
      role: 'ENTERPRISE_OPERATOR',
      creditCode: PENDING_CODE,
    });
    const registered = await api(REGISTER, { input: system(PENDING_CODE, 'forged') }, key);
    expect(registered.errors).toBeUndefined();
  });

  it('never lets a rejected application register, nor approves it afterwards', async () => {
    await api(APPLY, { input: { creditCode: REJECTED_CODE, name: 'Claims To Be Grid Co.' } });
    const rejected = await api(
      REJECT,
      { c: REJECTED_CODE, r: 'the business licence does not match' },
      adminKey,
    );
    expect(rejected.data).toEqual({
      rejectEnterprise: { status: 'REJECTED', statusReason: 'the business licence does not match' },
    });
    expect(
      codeOf(await api(REGISTER, { input: system(REJECTED_CODE, 'rejected') }, adminKey)),
    ).toBe('ENTERPRISE_NOT_APPROVED');
    expect(codeOf(await api(APPROVE, { c: REJECTED_CODE }, adminKey))).toBe('INVALID_STATE');
    expect(
      codeOf(
        await api(
          'mutation ($c: String!) { issueEnterpriseKey(creditCode: $c) { apiKey } }',
          { c: REJECTED_CODE },
          adminKey,
        ),
      ),
    ).toBe('ENTERPRISE_NOT_APPROVED');
    expect(
      (await registry.listSystems()).some((s) => s.enterpriseCreditCode === REJECTED_CODE),
    ).toBe(false);
    const queue = await api<{ enterprises: { creditCode: string; status: string }[] }>(
      '{ enterprises(status: REJECTED) { creditCode status } }',
      {},
      adminKey,
    );
    expect(queue.data?.enterprises).toEqual([{ creditCode: REJECTED_CODE, status: 'REJECTED' }]);
  });

  it("shows the review queue and applicants' contacts to admins and auditors only", async () => {
    await api(APPLY, {
      input: {
        creditCode: '91110000100005642A',
        name: 'Queued Co.',
        contact: 'ops@queued.example',
      },
    });
    expect(
      codeOf(await api('{ enterprises(status: PENDING) { creditCode } }', {}, operator.maker)),
    ).toBe('FORBIDDEN');
    const queue = await api<{ enterprises: { creditCode: string; contact: string | null }[] }>(
      '{ enterprises(status: PENDING) { creditCode contact } }',
      {},
      adminKey,
    );
    expect(queue.data?.enterprises).toEqual([
      { creditCode: '91110000100005642A', contact: 'ops@queued.example' },
    ]);
    const publicView = await api<{ enterprise: { status: string; contact: string | null } }>(
      '{ enterprise(creditCode: "91110000100005642A") { status contact } }',
    );
    expect(publicView.data?.enterprise).toEqual({ status: 'PENDING', contact: null });
  });
});
