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
} from '../../gateway/index.js';
import { silentLogger, type Logger } from '../../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../../subgraphs/index.js';
import {
  LINK,
  serveHostileSubgraph,
  type HostileSchema,
  type HostileSubgraph,
} from './schema-policy-hostile-subgraph.js';

/**
 * A business system written outside the project serves a subgraph schema that asks for powers over
 * the others: root fields, another system's field, other systems' values. Over real HTTP, the
 * registry refuses it, and the gateway neither serves nor routes to what it asked for.
 */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-schema-policy-'));
const MAKER_CODE = '91320500MA1N7PXK3R';
const HOSTILE_CODE = '91640100MA77LQ3F21';
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test-admin', label: 'test admin' };
const DEVICE = '88.1001.1/INV-1';

const logged: string[] = [];
const logger: Logger = {
  ...silentLogger,
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};
let registry: Registry;
let gateway: Gateway;
let base: string;
let maker: RunningSubgraph;
const operators: Record<'maker' | 'hostile', string> = { maker: '', hostile: '' };
const hostiles: HostileSubgraph[] = [];

type GraphqlError = { message: string; extensions?: Record<string, unknown> };
async function post<T>(
  path: string,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
): Promise<{ status: number; data?: T; errors?: GraphqlError[] }> {
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
    ...((await response.json()) as { data?: T; errors?: GraphqlError[] }),
  };
}
const REGISTER =
  'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code } apiKey } }';
const FIELDS =
  'mutation ($c: ID!, $f: [FieldInput!]!) { registerFields(systemCode: $c, fields: $f) { code } }';

async function hostile(schema: HostileSchema): Promise<HostileSubgraph> {
  const served = await serveHostileSubgraph(schema);
  hostiles.push(served);
  return served;
}
function register(
  subgraphName: string,
  url: string,
  creditCode = HOSTILE_CODE,
  key = operators.hostile,
) {
  return post<{ registerSystem: { system: { code: string }; apiKey: string } }>(
    '/registry',
    REGISTER,
    {
      input: { creditCode, systemName: subgraphName, subgraphName, description: 'A system.', url },
    },
    key,
  );
}
async function registered(
  subgraphName: string,
  url: string,
  fields: readonly string[],
): Promise<{ code: string; apiKey: string }> {
  const r = await register(subgraphName, url);
  expect(r.errors).toBeUndefined();
  const system = {
    code: r.data?.registerSystem.system.code ?? '',
    apiKey: r.data?.registerSystem.apiKey ?? '',
  };
  expect(
    (
      await post(
        '/registry',
        FIELDS,
        { c: system.code, f: fields.map((name) => ({ name })) },
        system.apiKey,
      )
    ).errors,
  ).toBeUndefined();
  return system;
}
/** Expects a registration refused for its schema, naming the element and the rule. */
async function expectRefused(
  response: Promise<{ status: number; errors?: GraphqlError[] }>,
  element: string,
  rule: string,
): Promise<GraphqlError> {
  const r = await response;
  expect(r.status).toBeLessThan(500);
  expect(r.errors?.[0]?.extensions).toMatchObject({
    code: 'SCHEMA_POLICY_VIOLATION',
    element,
    rule,
  });
  expect(r.errors?.[0]?.message).toContain(element);
  return r.errors?.[0] as GraphqlError;
}
const gatewayQuery = <T>(query: string) => post<T>('/', query);
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const systems = async () => (await registry.listSystems()).map((s) => s.subgraphName);

beforeAll(async () => {
  maker = await serveSubgraph(
    defineSubgraph({
      name: 'maker',
      title: 'Maker',
      fields: [{ name: 'model', type: 'String', description: 'Model.' }],
      loadDevices: (ids) =>
        Promise.resolve(new Map(ids.map((id) => [id, { model: `model:${id}` }]))),
    }),
    { port: 0 },
    { logger: silentLogger },
  );
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
  });
  gateway = createGateway({ registry, logger, mode: 'development', pollIntervalMs: 100 });
  await gateway.start();
  base = await gateway.listen(0);
  for (const [name, creditCode] of [
    ['maker', MAKER_CODE],
    ['hostile', HOSTILE_CODE],
  ] as const) {
    operators[name] = (await registry.createEnterprise(ADMIN, { creditCode, name })).apiKey;
  }
  const system = await register('maker', maker.url, MAKER_CODE, operators.maker);
  const makerKey = system.data?.registerSystem.apiKey ?? '';
  expect(
    (await post('/registry', FIELDS, { c: '88.1001.1', f: [{ name: 'model' }] }, makerKey)).errors,
  ).toBeUndefined();
  await registry.registerDevices(await registry.authenticate(makerKey), '88.1001.1', [
    { localCode: 'INV-1', kind: 'INVERTER' },
  ]);
  await until(() => gateway.status().composed.includes('maker'));
});

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await maker.stop();
  await Promise.all(hostiles.map((h) => h.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe("a business system's schema grants it no power over others", () => {
  it('(a) refuses a root field at registration, and the gateway serves none', async () => {
    const secrets = await hostile({
      typeDefs: `${LINK()}\ntype Device @key(fields: "id") { id: ID! aNote: String }\ntype Query { secrets: String }`,
      root: { secrets: "every plant's passwords" },
    });
    await expectRefused(register('hostile-a', secrets.url), 'Query.secrets', 'root-field');
    expect(await systems()).not.toContain('hostile-a');
    const r = await gatewayQuery<{ secrets?: string }>('{ secrets }');
    expect(r.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(r)).not.toContain('passwords');
  });

  it("(b) refuses @override of another system's field, which stays the owner's", async () => {
    const thief = await hostile({
      typeDefs: `${LINK(['@key', '@override'])}\ntype Device @key(fields: "id") { id: ID! model: String @override(from: "maker") }`,
      device: { model: 'forged' },
    });
    await expectRefused(register('hostile-b', thief.url), 'Device.model @override', 'directive');
    const r = await gatewayQuery<{ device: { model: string } }>(
      `{ device(id: "${DEVICE}") { model } }`,
    );
    expect(r.data?.device.model).toBe(`model:${DEVICE}`);
    expect(thief.received.every((q) => q.includes('_service'))).toBe(true);
  });

  it("(c) refuses @requires of another system's @external field, so its values never reach the system", async () => {
    const thief = await hostile({
      typeDefs: `${LINK(['@key', '@external', '@requires'])}\ntype Device @key(fields: "id") { id: ID! model: String @external cNote: String @requires(fields: "model") }`,
      device: { cNote: 'copied' },
    });
    const refusal = await expectRefused(
      register('hostile-c', thief.url),
      'Device.model @external',
      'directive',
    );
    expect(refusal.message).toContain('Device.cNote @requires');
    expect(
      (await gatewayQuery(`{ device(id: "${DEVICE}") { cNote } }`)).errors?.[0]?.extensions?.[
        'code'
      ],
    ).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(thief.received.some((q) => q.includes('_entities'))).toBe(false);
  });

  it("(d) refuses @shareable and @provides, with which one system answers for another's field", async () => {
    const sharing = await hostile({
      typeDefs: `${LINK(['@key', '@shareable'])}\ntype Device @key(fields: "id") { id: ID! dShared: String @shareable }`,
      device: { dShared: 'own' },
    });
    await expectRefused(
      register('hostile-d1', sharing.url),
      'Device.dShared @shareable',
      'directive',
    );
    const provider = await hostile({
      typeDefs: `${LINK(['@key', '@external', '@provides'])}\ntype Device @key(fields: "id") { id: ID! dTwin: Device @provides(fields: "dShared") dShared: String @external }`,
      device: { dShared: 'forged' },
    });
    await expectRefused(
      register('hostile-d2', provider.url),
      'Device.dTwin @provides',
      'directive',
    );
    // Against a field the subgraph kit serves (never shareable), @provides is refused by name as well.
    const thief = await hostile({
      typeDefs: `${LINK(['@key', '@external', '@provides'])}\ntype Device @key(fields: "id") { id: ID! dTwin: Device @provides(fields: "model") model: String @external }`,
      device: { model: 'forged' },
    });
    await expectRefused(register('hostile-d3', thief.url), 'Device.dTwin @provides', 'directive');
    expect((await systems()).filter((s) => s.startsWith('hostile-d'))).toEqual([]);
  });

  it('(e) refuses @composeDirective, interfaces that reach other types and @interfaceObject', async () => {
    const composed = await hostile({
      typeDefs: `${LINK(['@key', '@composeDirective'])} @link(url: "https://hostile.example/steal/v1.0", import: ["@steal"]) @composeDirective(name: "@steal")\ndirective @steal on FIELD_DEFINITION\ntype Device @key(fields: "id") { id: ID! eNote: String @steal }`,
    });
    await expectRefused(
      register('hostile-e1', composed.url),
      'schema @composeDirective',
      'directive',
    );
    const reaching = await hostile({
      typeDefs: `${LINK()}\ninterface HostileE2Node @key(fields: "id") { id: ID! }\ntype HostileE2Thing implements HostileE2Node @key(fields: "id") { id: ID! }\ntype Device @key(fields: "id") { id: ID! e2Note: String }`,
    });
    const refusal = await expectRefused(
      register('hostile-e2', reaching.url),
      'HostileE2Thing @key',
      'entity-type',
    );
    expect(refusal.message).toContain('HostileE2Node (type-kind)');
    const interfaceObject = await hostile({
      typeDefs: `${LINK(['@key', '@interfaceObject'])}\ntype HostileE2Node @key(fields: "id") @interfaceObject { id: ID! e3Note: String }\ntype Device @key(fields: "id") { id: ID! }`,
    });
    await expectRefused(
      register('hostile-e3', interfaceObject.url),
      'HostileE2Node @interfaceObject',
      'directive',
    );
    expect((await systems()).filter((s) => s.startsWith('hostile-e'))).toEqual([]);
  });

  it('(f) refuses a field another system registered, also while that system is suspended', async () => {
    const squatter = await hostile({
      typeDefs: `${LINK()}\ntype Device @key(fields: "id") { id: ID! model: String }`,
      device: { model: 'forged' },
    });
    await registry.setSystemStatus(ADMIN, '88.1001.1', 'SUSPENDED', 'maintenance window');
    try {
      await expectRefused(
        register('hostile-f', squatter.url),
        'Device.model',
        'field-owned-elsewhere',
      );
      await expectRefused(
        register('hostile-f', squatter.url.replace('127.0.0.1', 'localhost')),
        'Device.model',
        'field-owned-elsewhere',
      );
    } finally {
      await registry.setSystemStatus(ADMIN, '88.1001.1', 'ACTIVE', 'back');
    }
    expect(await systems()).not.toContain('hostile-f');
    await until(() => gateway.status().composed.includes('maker'));
  });

  it('(g) keeps the last accepted schema when a registered system starts serving a hostile one', async () => {
    const clean: HostileSchema = {
      typeDefs: `${LINK()}\ntype Device @key(fields: "id") { id: ID! gNote: String }`,
      device: { gNote: 'g' },
    };
    const turncoat = await hostile(clean);
    const system = await registered('hostile-g', turncoat.url, ['gNote']);
    await until(
      async () =>
        (
          await gatewayQuery<{ device: { gNote: string | null } }>(
            `{ device(id: "${DEVICE}") { gNote } }`,
          )
        ).data?.device.gNote === 'g',
    );

    await turncoat.serve({
      typeDefs: `${LINK(['@key', '@override'])}\ntype Device @key(fields: "id") { id: ID! gNote: String model: String @override(from: "maker") }\ntype Query { secrets: String }`,
      device: { gNote: 'g', model: 'forged' },
      root: { secrets: "every plant's passwords" },
    });
    const refusals = () => logged.filter((m) => m.includes('The schema of "hostile-g" is refused'));
    await until(() => refusals().length > 0);
    expect(refusals()[0]).toContain('Query.secrets (root-field)');
    expect(refusals()[0]).toContain('Device.model @override (directive)');
    expect(refusals()[0]).toContain('keeps the schema it was composed with');
    // A few more polls: the refusal holds, and is not logged again at every poll.
    await new Promise((r) => setTimeout(r, 400));
    expect(refusals()).toHaveLength(1);

    const secrets = await gatewayQuery('{ secrets }');
    expect(secrets.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(secrets)).not.toContain('passwords');
    const r = await gatewayQuery<{ device: { model: string; gNote: string } }>(
      `{ device(id: "${DEVICE}") { model gNote } }`,
    );
    expect(r).toMatchObject({
      status: 200,
      data: { device: { model: `model:${DEVICE}`, gNote: 'g' } },
    });
    expect(
      turncoat.received.filter((q) => q.includes('_entities')).some((q) => q.includes('model')),
    ).toBe(false);
    expect(gateway.status().composed).toContain('hostile-g');

    // The same schema through `system endpoint` is refused too, and the endpoint stays.
    const endpoint = await post(
      '/registry',
      'mutation ($c: ID!, $u: String!) { updateSystemEndpoint(code: $c, url: $u) { url } }',
      { c: system.code, u: turncoat.url.replace('127.0.0.1', 'localhost') },
      system.apiKey,
    );
    expect(endpoint.errors?.[0]?.extensions).toMatchObject({
      code: 'SCHEMA_POLICY_VIOLATION',
      element: 'Query.secrets',
      rule: 'root-field',
    });
    expect((await registry.getSystem(system.code))?.url).toBe(turncoat.url);
  });

  it('never asks a system for a field it has not registered, whatever its schema composes', async () => {
    const eager = await hostile({
      typeDefs: `${LINK()}\ntype Device @key(fields: "id") { id: ID! iNote: String iExtra: String }`,
      device: { iNote: 'i', iExtra: 'unregistered' },
    });
    await registered('hostile-i', eager.url, ['iNote']);
    await until(
      async () =>
        (
          await gatewayQuery<{ device: { iNote: string | null } }>(
            `{ device(id: "${DEVICE}") { iNote } }`,
          )
        ).data?.device.iNote === 'i',
    );
    const r = await gatewayQuery<{ device: { iExtra: string | null } }>(
      `{ device(id: "${DEVICE}") { iExtra } }`,
    );
    expect(r.data?.device.iExtra).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_FETCH_REFUSED',
      system: 'hostile-i',
    });
    expect(JSON.stringify(r)).not.toContain('unregistered');
    expect(eager.received.some((q) => q.includes('iExtra'))).toBe(false);
  });
});
