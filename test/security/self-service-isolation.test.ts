import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Caller,
  type Gateway,
  type Registry,
} from '../../gateway/index.js';
import { onboardEnterprise } from '../../gateway/testing/index.js';
import { silentLogger } from '../../schema/index.js';

/**
 * Another system, another enterprise or an application tries to read a system's identifiers and
 * anchoring state through the self-service queries, or to learn whether a system code exists.
 * Over real HTTP, every attempt gets the same refusal, whether the system exists or not.
 */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const SDL = (field: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${field}: String }`;
const dir = mkdtempSync(join(tmpdir(), 'gridmark-self-service-attack-'));
let registry: Registry;
let gateway: Gateway;
let base = '';
let adminKey = '';
const keys = { victim: '', victimOperator: '', attacker: '', attackerOperator: '', app: '' };

type Reply = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};
async function api(query: string, variables: Record<string, unknown>, key?: string) {
  const response = await fetch(new URL('/registry', base), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Reply) };
}

const QUERIES = {
  identifiers:
    'query ($code: ID!) { systemIdentifiers(code: $code) { items { identifier localCode } nextCursor } }',
  anchoring:
    'query ($code: ID!) { systemAnchoring(code: $code) { systemCode devicesChecked findings { reason } } }',
};

async function registerSystem(name: string, creditCode: string) {
  const { caller, apiKey: operatorKey } = await onboardEnterprise(registry, { creditCode, name });
  const { apiKey } = await registry.registerSystem(caller, {
    creditCode,
    systemName: name,
    subgraphName: name,
    description: name,
    url: `http://${name}.test/`,
  });
  return { apiKey, operatorKey };
}

beforeAll(async () => {
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    authorityPrefix: '88.1001',
    logger: silentLogger,
    probeSubgraph: (name) => Promise.resolve(SDL(`${name}Reading`)),
  });
  const victim = await registerSystem('victim', '91320500MA1N7PXK3R');
  const attacker = await registerSystem('attacker', '91640100MA77LQ3F21');
  keys.victim = victim.apiKey;
  keys.victimOperator = victim.operatorKey;
  keys.attacker = attacker.apiKey;
  keys.attackerOperator = attacker.operatorKey;
  keys.app = (await registry.registerApplication(ADMIN, { name: 'app', roles: ['owner'] })).apiKey;
  adminKey = await registry.bootstrapAdminKey('test console');
  await registry.registerFields(ADMIN, '88.1001.1', [{ name: 'victimReading' }]);
  await registry.registerDevices(ADMIN, '88.1001.1', [{ localCode: 'SECRET-1', kind: 'METER' }]);
  await registry.penalizeTampering('88.1001.1', {
    deviceId: '88.1001.1/SECRET-1',
    fieldCode: (await registry.listFields('88.1001.1'))[0]?.code ?? '',
  });
  gateway = createGateway({ registry, logger: silentLogger, mode: 'development' });
  await gateway.start();
  base = await gateway.listen(0);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The refusal with the system code blanked out, so replies about two codes can be compared. */
const refusal = (r: Reply, code: string) => ({
  data: r.data ?? null,
  errors: r.errors?.map((e) => ({ ...e, message: e.message.replaceAll(code, '<code>') })),
});

describe.each(Object.entries(QUERIES))('%s of another system', (_, query) => {
  it.each([
    ['another system', 'attacker'],
    ["another enterprise's operator", 'attackerOperator'],
    ['an application', 'app'],
  ] as const)('refuses %s, the same way as for a code that does not exist', async (_who, key) => {
    const real = await api(query, { code: '88.1001.1' }, keys[key]);
    const unknown = await api(query, { code: '88.1001.77' }, keys[key]);
    expect(real.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(real.status).toBe(unknown.status);
    expect(refusal(real, '88.1001.1')).toEqual(refusal(unknown, '88.1001.77'));
    expect(JSON.stringify(real)).not.toContain('SECRET-1');
    expect(JSON.stringify(real)).not.toContain('victim');
  });

  it('refuses a caller without a key', async () => {
    const r = await api(query, { code: '88.1001.1' });
    expect(r.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(r)).not.toContain('SECRET-1');
  });

  it("answers the system's own key, its enterprise's operator and a platform admin", async () => {
    for (const key of [keys.victim, keys.victimOperator, adminKey]) {
      const r = await api(query, { code: '88.1001.1' }, key);
      expect(r.errors).toBeUndefined();
      expect(JSON.stringify(r.data)).toMatch(/SECRET-1|88\.1001\.1/);
    }
    const missing = await api(query, { code: '88.1001.77' }, adminKey);
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});
