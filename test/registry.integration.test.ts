import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
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
} from '../gateway/index.js';
import { silentLogger } from '../schema/index.js';
import {
  defineSubgraph,
  serveSubgraph,
  type RunningSubgraph,
  type ShareableField,
} from '../subgraphs/index.js';

/** The registry and the live supergraph, over real HTTP, with real subgraphs registering. */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-registry-it-'));
const dbPath = join(dir, 'registry.db');
const MAKER_CODE = '91320500MA1N7PXK3R';
const PLANT_CODE = '91640100MA77LQ3F21';

const kit = (
  name: string,
  fields: ShareableField[],
  value: (id: string, field: string) => unknown,
) =>
  defineSubgraph({
    name,
    title: name,
    fields,
    loadDevices: (ids) =>
      Promise.resolve(
        new Map(
          ids.map((id) => [id, Object.fromEntries(fields.map((f) => [f.name, value(id, f.name)]))]),
        ),
      ),
  });

const maker = kit(
  'maker',
  [
    { name: 'model', type: 'String', description: 'Model.' },
    { name: 'brand', type: 'String', description: 'Brand.' },
  ],
  (id, f) => `${f}:${id}`,
);
const scada = kit(
  'scada',
  [{ name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' }],
  () => 1234.5,
);
const clasher = kit('clasher', [{ name: 'model', type: 'Int', description: 'A clash.' }], () => 1);
const weather = kit(
  'weather',
  [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.' }],
  () => 800,
);

let registry: Registry;
let gateway: Gateway;
let base: string;
let adminKey: string;
const running: RunningSubgraph[] = [];
const urls: Record<string, string> = {};

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
  return {
    status: response.status,
    ...((await response.json()) as {
      data?: T;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    }),
  };
}
const registryCall = <T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
) => gql<T>('/registry', query, variables, key);
const REGISTER =
  'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code subgraphName status } apiKey } }';
const input = (over: Record<string, unknown>) => ({
  creditCode: MAKER_CODE,
  systemName: 'Maker production',
  subgraphName: 'maker',
  description: 'Products.',
  url: urls['maker'],
  ...over,
});
const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  r.errors?.[0]?.extensions?.['code'];

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const keys: Record<string, string> = {};
/** The operator keys of the two onboarded enterprises. */
const operators: Record<'maker' | 'plant', string> = { maker: '', plant: '' };
const CREATE_ENTERPRISE =
  'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { enterprise { status } apiKey } }';

beforeAll(async () => {
  for (const subgraph of [maker, scada, clasher, weather]) {
    const served = await serveSubgraph(subgraph, { port: 0 }, { logger: silentLogger });
    running.push(served);
    urls[subgraph.name] = served.url;
  }
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: dbPath }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    initialCreditScore: 80,
    creditThreshold: 60,
  });
  adminKey = await registry.bootstrapAdminKey('test console');
  gateway = createGateway({ registry, logger: silentLogger, mode: 'development' });
  await gateway.start();
  base = await gateway.listen(0);
  for (const [name, creditCode, enterpriseName] of [
    ['maker', MAKER_CODE, 'Maker Co.'],
    ['plant', PLANT_CODE, 'Plant Co.'],
  ] as const) {
    const created = await registryCall<{ createEnterprise: { apiKey: string } }>(
      CREATE_ENTERPRISE,
      { input: { creditCode, name: enterpriseName } },
      adminKey,
    );
    operators[name] = created.data?.createEnterprise.apiKey ?? '';
  }
});

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await Promise.all(running.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('system registration', () => {
  it('refuses a wrong check character and registers nothing', async () => {
    const r = await registryCall(
      REGISTER,
      { input: input({ creditCode: '91320500MA1N7PXK3T' }) },
      operators.maker,
    );
    expect(code(r)).toBe('BAD_CREDIT_CODE');
    expect(r.errors?.[0]?.message).toContain('expected R');
    expect((await registry.listSystems()).length).toBe(0);
  });

  it('refuses an unreachable URL', async () => {
    const r = await registryCall(
      REGISTER,
      { input: input({ url: 'http://127.0.0.1:49/' }) },
      operators.maker,
    );
    expect(code(r)).toBe('SYSTEM_UNREACHABLE');
    expect((await registry.listSystems()).length).toBe(0);
  });

  it('assigns the first system code and an API key that is stored only as a hash', async () => {
    const r = await registryCall<{
      registerSystem: { system: { code: string; status: string }; apiKey: string };
    }>(REGISTER, { input: input({}) }, operators.maker);
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerSystem.system).toMatchObject({ code: '88.1001.1', status: 'ACTIVE' });
    const apiKey = r.data?.registerSystem.apiKey ?? '';
    expect(apiKey).toMatch(/^gmk_/);
    keys['maker'] = apiKey;
    const secret = apiKey.split('_').slice(2).join('_');
    const files = ['', '-wal']
      .map((suffix) => {
        try {
          return readFileSync(dbPath + suffix).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(files).not.toContain(secret);
    expect(
      (await registryCall<{ me: unknown }>('{ me { role systemCode } }', {}, apiKey)).data?.me,
    ).toEqual({ role: 'ENTERPRISE_USER', systemCode: '88.1001.1' });
  });

  it('serves the new system in the running gateway within seconds', async () => {
    await until(() => gateway.status().composed.includes('maker'));
  });

  it('refuses a subgraph that does not compose, naming both systems, and leaves the supergraph alone', async () => {
    const before = gateway.status();
    const r = await registryCall(
      REGISTER,
      {
        input: input({
          creditCode: PLANT_CODE,
          systemName: 'Clasher',
          subgraphName: 'clasher',
          url: urls['clasher'],
        }),
      },
      operators.plant,
    );
    expect(code(r)).toBe('COMPOSITION_FAILED');
    expect(JSON.stringify(r.errors?.[0]?.extensions?.['issues'])).toContain(
      '"subgraphs":["clasher","maker"]',
    );
    expect(gateway.status()).toEqual(before);
    expect((await registry.listSystems()).map((s) => s.subgraphName)).toEqual(['maker']);
  });

  it('refuses a second registration of the same subgraph name', async () => {
    expect(
      code(
        await registryCall(
          REGISTER,
          { input: input({ systemName: 'Maker again' }) },
          operators.maker,
        ),
      ),
    ).toBe('ALREADY_REGISTERED');
  });

  it('registers a second system of another enterprise', async () => {
    const r = await registryCall<{ registerSystem: { system: { code: string }; apiKey: string } }>(
      REGISTER,
      {
        input: input({
          creditCode: PLANT_CODE,
          enterpriseName: 'Plant Co.',
          systemName: 'Plant SCADA',
          subgraphName: 'scada',
          url: urls['scada'],
        }),
      },
      operators.plant,
    );
    expect(r.data?.registerSystem.system.code).toBe('88.1001.2');
    keys['scada'] = r.data?.registerSystem.apiKey ?? '';
  });

  it('refuses an enterprise whose credit fell below the threshold, and suspends its systems until reinstated', async () => {
    const set = await registryCall(
      'mutation { setCreditScore(creditCode: "91640100MA77LQ3F21", score: 40, reason: "tampering") { creditScore } }',
      {},
      adminKey,
    );
    expect(set.errors).toBeUndefined();
    expect((await registry.getSystem('88.1001.2'))?.status).toBe('SUSPENDED');
    const r = await registryCall(
      REGISTER,
      {
        input: input({
          creditCode: PLANT_CODE,
          systemName: 'Weather',
          subgraphName: 'weather',
          url: urls['weather'],
        }),
      },
      operators.plant,
    );
    expect(code(r)).toBe('CREDIT_TOO_LOW');
    const back = await registryCall(
      'mutation { reinstateSystem(code: "88.1001.2", reason: "appeal upheld", score: 80) { system { status } creditEvent { kind scoreAfter } } }',
      {},
      adminKey,
    );
    expect(back.data).toEqual({
      reinstateSystem: {
        system: { status: 'ACTIVE' },
        creditEvent: { kind: 'REINSTATEMENT', scoreAfter: 80 },
      },
    });
  });
});

describe('fields and devices', () => {
  const FIELDS =
    'mutation ($c: ID!, $f: [FieldInput!]!) { registerFields(systemCode: $c, fields: $f) { code coordinate feeFen } }';
  const DEVICES =
    'mutation ($c: ID!, $d: [DeviceInput!]!) { registerDevices(systemCode: $c, devices: $d) { registered unchanged identifiers } }';
  const CLAIMS =
    'mutation ($c: ID!, $d: [ClaimInput!]!) { claimDevices(systemCode: $c, claims: $d) { registered unchanged identifiers } }';

  it('gives each served field a field code with its fee and refuses a field the subgraph does not serve', async () => {
    const r = await registryCall<{ registerFields: unknown[] }>(
      FIELDS,
      { c: '88.1001.1', f: [{ name: 'model', feeFen: 2 }, { name: 'brand' }] },
      keys['maker'],
    );
    expect(r.data?.registerFields).toEqual([
      { code: '88.1001.1.F0001', coordinate: 'Device.model', feeFen: 2 },
      { code: '88.1001.1.F0002', coordinate: 'Device.brand', feeFen: null },
    ]);
    expect(
      code(
        await registryCall(
          FIELDS,
          { c: '88.1001.1', f: [{ name: 'serialNumber', feeFen: 1 }] },
          keys['maker'],
        ),
      ),
    ).toBe('FIELD_NOT_SERVED');
    expect(
      code(
        await registryCall(
          FIELDS,
          { c: '88.1001.1', f: [{ name: 'model', feeFen: -1 }] },
          keys['maker'],
        ),
      ),
    ).toBe('BAD_INPUT');
    await registryCall(
      FIELDS,
      { c: '88.1001.2', f: [{ name: 'outputPowerW', feeFen: 5 }] },
      keys['scada'],
    );
  });

  it('registers own devices under the system prefix, once', async () => {
    const devices = [
      { localCode: 'INV-1', kind: 'INVERTER' },
      { localCode: 'INV-2', kind: 'INVERTER' },
    ];
    const first = await registryCall<{
      registerDevices: { registered: number; identifiers: string[] };
    }>(DEVICES, { c: '88.1001.1', d: devices }, keys['maker']);
    expect(first.data?.registerDevices).toEqual({
      registered: 2,
      unchanged: 0,
      identifiers: ['88.1001.1/INV-1', '88.1001.1/INV-2'],
    });
    const again = await registryCall<{
      registerDevices: { registered: number; unchanged: number };
    }>(DEVICES, { c: '88.1001.1', d: devices }, keys['maker']);
    expect(again.data?.registerDevices).toMatchObject({ registered: 0, unchanged: 2 });
  });

  it('refuses a whole batch for one bad row, naming the row, and writes none of it', async () => {
    const batch = (rows: unknown[]) =>
      registryCall(DEVICES, { c: '88.1001.1', d: rows }, keys['maker']);
    const dup = await batch([
      { localCode: 'M-1', kind: 'MODULE' },
      { localCode: 'M-1', kind: 'MODULE' },
    ]);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'DUPLICATE_IDENTIFIER', row: 2 });
    const bad = await batch([
      { localCode: 'M-2', kind: 'MODULE' },
      { localCode: 'has space', kind: 'MODULE' },
    ]);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_DEVICE_ROW', row: 2 });
    const unknown = await registryCall(
      CLAIMS,
      {
        c: '88.1001.2',
        d: [
          { identifier: '88.1001.1/INV-1', localCode: 'P.INV1' },
          { identifier: '88.9999.1/X-1', localCode: 'P.X' },
        ],
      },
      keys['scada'],
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'UNKNOWN_PREFIX', row: 2 });
    expect(await registry.getIdentifier('88.1001.1/M-1')).toBeUndefined();
    expect(await registry.getIdentifier('88.1001.1/M-2')).toBeUndefined();
    expect((await registry.getIdentifier('88.1001.1/INV-1'))?.holdings).toHaveLength(1);
  });

  it('keeps the association catalog current as another system claims a device', async () => {
    const r = await registryCall(
      CLAIMS,
      { c: '88.1001.2', d: [{ identifier: '88.1001.1/INV-1', localCode: 'P.INV1' }] },
      keys['scada'],
    );
    expect(r.errors).toBeUndefined();
    const { data } = await registryCall<{ association: unknown }>(
      '{ association(deviceId: "88.1001.1/INV-1") { key holdings { systemCode localCode fieldCodes } } }',
    );
    expect(data?.association).toEqual({
      key: true,
      holdings: [
        {
          systemCode: '88.1001.1',
          localCode: 'INV-1',
          fieldCodes: ['88.1001.1.F0001', '88.1001.1.F0002'],
        },
        { systemCode: '88.1001.2', localCode: 'P.INV1', fieldCodes: ['88.1001.2.F0001'] },
      ],
    });
  });

  it('answers the device from both systems through the gateway', async () => {
    await until(() => gateway.status().composed.includes('scada'));
    const r = await gql('/', '{ device(id: "88.1001.1/INV-1") { heldBy model outputPowerW } }');
    expect(r).toMatchObject({
      data: {
        device: {
          heldBy: ['maker', 'scada'],
          model: 'model:88.1001.1/INV-1',
          outputPowerW: 1234.5,
        },
      },
    });
    expect((await gql('/', '{ device(id: "88.1001.1/NOPE-9") { model } }')).data).toEqual({
      device: null,
    });
  });
});

describe('roles', () => {
  it('keeps an enterprise user to its own system', async () => {
    const r = await registryCall(
      'mutation { registerDevices(systemCode: "88.1001.1", devices: [{ localCode: "X-1", kind: METER }]) { registered } }',
      {},
      keys['scada'],
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await registry.getIdentifier('88.1001.1/X-1')).toBeUndefined();
  });

  it('lets only platform admins suspend systems and set credit', async () => {
    expect(
      code(
        await registryCall(
          'mutation { setSystemStatus(code: "88.1001.1", status: SUSPENDED, reason: "x") { code } }',
          {},
          keys['maker'],
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      code(
        await registryCall(
          'mutation { setCreditScore(creditCode: "91320500MA1N7PXK3R", score: 100, reason: "x") { creditScore } }',
          {},
          keys['maker'],
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('lets an auditor audit but not register', async () => {
    const issued = await registryCall<{ issueKey: string }>(
      'mutation { issueKey(role: AUDITOR, label: "site auditor") }',
      {},
      adminKey,
    );
    const auditor = issued.data?.issueKey ?? '';
    const audited = await registryCall<{ auditIdentifier: { audit: { status: string } } }>(
      'mutation { auditIdentifier(id: "88.1001.1/INV-1", result: CONFIRMED, note: "nameplate photographed") { audit { status } } }',
      {},
      auditor,
    );
    expect(audited.data?.auditIdentifier.audit.status).toBe('CONFIRMED');
    expect(
      code(
        await registryCall(
          'mutation { registerFields(systemCode: "88.1001.1", fields: [{ name: "model" }]) { code } }',
          {},
          auditor,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      code(
        await registryCall(
          'mutation { auditIdentifier(id: "88.1001.1/INV-1", result: NOT_FOUND) { identifier } }',
          {},
          keys['maker'],
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('shows subgraph URLs only to admins, auditors and the system itself', async () => {
    const query = '{ systems { code url } }';
    expect(
      (await registryCall<{ systems: { url: string | null }[] }>(query)).data?.systems.map(
        (s) => s.url,
      ),
    ).toEqual([null, null]);
    expect(
      (
        await registryCall<{ systems: { url: string | null }[] }>(query, {}, keys['scada'])
      ).data?.systems.map((s) => s.url),
    ).toEqual([null, urls['scada']]);
    expect(
      (
        await registryCall<{ systems: { url: string | null }[] }>(query, {}, adminKey)
      ).data?.systems.map((s) => s.url),
    ).toEqual([urls['maker'], urls['scada']]);
  });

  it('refuses a forged or missing key', async () => {
    const forged = await registryCall(
      '{ statistics { devices } }',
      {},
      `${keys['maker']?.slice(0, -4) ?? ''}AAAA`,
    );
    expect(forged.status).toBe(401);
    expect(code(forged)).toBe('UNAUTHENTICATED');
    expect(code(await registryCall('{ statistics { devices } }'))).toBe('UNAUTHENTICATED');
  });
});

describe('lifecycle, log and statistics', () => {
  it('drops a suspended system from the live supergraph without dropping requests, and brings it back', async () => {
    let failures = 0;
    let done = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop || done < 40) {
        const r = await gql('/', '{ device(id: "88.1001.1/INV-1") { model } }');
        if (
          r.errors ||
          (r.data as { device: { model: string } }).device.model !== 'model:88.1001.1/INV-1'
        )
          failures++;
        done++;
      }
    };
    const load = Promise.all([worker(), worker(), worker()]);
    const suspended = await registryCall(
      'mutation { setSystemStatus(code: "88.1001.2", status: SUSPENDED, reason: "credit review") { status } }',
      {},
      adminKey,
    );
    expect(suspended.errors).toBeUndefined();
    await until(() => !gateway.status().composed.includes('scada'));
    expect(code(await gql('/', '{ device(id: "88.1001.1/INV-1") { outputPowerW } }'))).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect((await gql('/', '{ device(id: "88.1001.1/INV-1") { heldBy } }')).data).toEqual({
      device: { heldBy: ['maker'] },
    });
    await registryCall(
      'mutation { setSystemStatus(code: "88.1001.2", status: ACTIVE, reason: "cleared") { status } }',
      {},
      adminKey,
    );
    await until(() => gateway.status().composed.includes('scada'));
    stop = true;
    await load;
    expect(done).toBeGreaterThanOrEqual(40);
    expect(failures).toBe(0);
  });

  it('makes revocation final', async () => {
    await registryCall(
      'mutation { setIdentifierStatus(id: "88.1001.1/INV-2", status: REVOKED, reason: "scrapped") { status } }',
      {},
      keys['maker'],
    );
    expect(
      code(
        await registryCall(
          'mutation { setIdentifierStatus(id: "88.1001.1/INV-2", status: ACTIVE, reason: "oops") { status } }',
          {},
          adminKey,
        ),
      ),
    ).toBe('INVALID_STATE');
    expect((await gql('/', '{ device(id: "88.1001.1/INV-2") { id } }')).data).toEqual({
      device: null,
    });
  });

  it('logs who changed what, and counts systems, devices and key devices', async () => {
    const log = await registryCall<{
      registryLog: { actor: string; action: string; subject: string }[];
    }>('{ registryLog(limit: 500) { actor action subject } }', {}, adminKey);
    const actions = log.data?.registryLog.map((e) => e.action) ?? [];
    expect(actions).toEqual(
      expect.arrayContaining([
        'system.register',
        'fields.register',
        'devices.register',
        'devices.claim',
        'system.suspended',
        'system.active',
        'identifier.audit',
        'identifier.revoked',
        'credit.admin',
        'credit.reinstatement',
      ]),
    );
    expect(
      log.data?.registryLog.filter((e) => e.action === 'system.suspended').map((e) => e.actor),
    ).toEqual(['credit', expect.stringMatching(/^PLATFORM_ADMIN:/)]);
    expect(code(await registryCall('{ registryLog { seq } }', {}, keys['maker']))).toBe(
      'FORBIDDEN',
    );
    const stats = await registryCall<{ statistics: Record<string, unknown> }>(
      '{ statistics { systems { active suspended revoked } devices keyDevices fields perSystem { systemCode issued held fields } } }',
      {},
      keys['maker'],
    );
    expect(stats.data?.statistics).toEqual({
      systems: { active: 2, suspended: 0, revoked: 0 },
      devices: 2,
      keyDevices: 1,
      fields: 3,
      perSystem: [
        { systemCode: '88.1001.1', issued: 2, held: 2, fields: 2 },
        { systemCode: '88.1001.2', issued: 0, held: 1, fields: 1 },
      ],
    });
  });
});

describe('the identifier resolver URL', () => {
  it('answers a scanned identifier with its catalog entry', async () => {
    const response = await fetch(new URL('/id/88.1001.1/INV-1', base));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      identifier: '88.1001.1/INV-1',
      kind: 'INVERTER',
      status: 'ACTIVE',
      issuer: { code: '88.1001.1', name: 'Maker production' },
      audit: { status: 'CONFIRMED' },
      key: true,
      holders: [{ systemCode: '88.1001.1' }, { systemCode: '88.1001.2' }],
    });
  });

  it('renders a page for a browser, escaped', async () => {
    const response = await fetch(new URL('/id/88.1001.1/INV-1', base), {
      headers: { accept: 'text/html' },
    });
    const html = await response.text();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<h1>88.1001.1/INV-1</h1>');
    expect(html).toContain('Plant SCADA');
  });

  it('answers 404 for an unknown identifier and 400 for a malformed one', async () => {
    const unknown = await fetch(new URL('/id/88.1001.1/NOPE', base));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_IDENTIFIER' } });
    const bad = await fetch(new URL('/id/not-an-identifier', base));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_IDENTIFIER' } });
  });
});
