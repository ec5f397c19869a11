import { mkdtempSync, rmSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Gateway,
  type OutboundOptions,
  type Registry,
} from '../../gateway/index.js';
import { silentLogger } from '../../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../../subgraphs/index.js';
import {
  serveEndlessBody,
  serveRedirect,
  serveSdl,
  serveTrickle,
  type HostileServer,
} from './outbound-servers.js';

/**
 * Registration makes the registry call a URL the applicant chose. An applicant uses that to reach
 * what only the registry can reach (loopback services, the private network, the cloud's metadata
 * endpoint), to bounce the call elsewhere, or to tie the registry up. Over real HTTP, the registry
 * calls http(s) only, follows no redirect, checks the address a name resolves to and connects to
 * that address, cuts an answer off at its size cap and gives up at its deadline.
 */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-outbound-'));
const CREDIT_CODE = '91320500MA1N7PXK3R';
const REGISTER =
  'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code url } } }';
const ENDPOINT =
  'mutation ($c: ID!, $u: String!) { updateSystemEndpoint(code: $c, url: $u) { url } }';

type GraphqlError = { message: string; extensions?: Record<string, unknown> };
type Answer = { status: number; data?: Record<string, unknown> | null; errors?: GraphqlError[] };

/** A registry served over HTTP, with one onboarded enterprise whose operator registers systems. */
interface RunningRegistry {
  readonly registry: Registry;
  call(query: string, variables: Record<string, unknown>): Promise<Answer>;
  register(subgraphName: string, url: string): Promise<Answer>;
  stop(): Promise<void>;
}

let seq = 0;
async function startRegistry(outbound?: OutboundOptions): Promise<RunningRegistry> {
  const registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, `registry-${++seq}.db`) }),
    authorityPrefix: '88.1001',
    logger: silentLogger,
    ...(outbound ? { outbound } : {}),
  });
  const gateway: Gateway = createGateway({ registry, logger: silentLogger, mode: 'development' });
  await gateway.start();
  const base = await gateway.listen(0);
  const call = async (
    query: string,
    variables: Record<string, unknown>,
    key?: string,
  ): Promise<Answer> => {
    const response = await fetch(new URL('/registry', base), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
  };
  const admin = await registry.bootstrapAdminKey('test console');
  const created = await call(
    'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { apiKey } }',
    { input: { creditCode: CREDIT_CODE, name: 'Maker Co.' } },
    admin,
  );
  const operator =
    (created.data?.['createEnterprise'] as { apiKey: string } | undefined)?.apiKey ?? '';
  return {
    registry,
    call: (query, variables) => call(query, variables, operator),
    register: (subgraphName, url) =>
      call(
        REGISTER,
        {
          input: {
            creditCode: CREDIT_CODE,
            systemName: subgraphName,
            subgraphName,
            description: 'A business system.',
            url,
          },
        },
        operator,
      ),
    async stop() {
      await gateway.stop();
      await registry.close();
    },
  };
}

const refusal = (answer: Answer): Record<string, unknown> | undefined =>
  answer.errors?.[0]?.extensions;
/** Runs `work` and resolves with how long it took, in ms. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

const servers: HostileServer[] = [];
const registries: RunningRegistry[] = [];
const track = async <T extends HostileServer | RunningRegistry>(
  started: Promise<T>,
): Promise<T> => {
  const value = await started;
  if ('hits' in value) servers.push(value);
  else registries.push(value);
  return value;
};

afterAll(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a registry with the default outbound policy', () => {
  let guarded: RunningRegistry;
  let subgraph: HostileServer;
  beforeAll(async () => {
    guarded = await track(startRegistry());
    subgraph = await track(serveSdl('model'));
  }, 30_000);

  it('refuses file:, gopher: and ftp: URLs', async () => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/_GET',
      'ftp://127.0.0.1/schema.graphql',
    ]) {
      expect(refusal(await guarded.register('maker', url)), url).toMatchObject({
        code: 'URL_NOT_ALLOWED',
        reason: 'SCHEME',
      });
    }
    expect(await guarded.registry.listSystems()).toEqual([]);
  });

  it('refuses a host name that resolves to loopback, and never calls it', async () => {
    expect((await lookup('localhost', { all: true })).length).toBeGreaterThan(0);
    const answer = await guarded.register('maker', `http://localhost:${subgraph.port}/`);
    expect(refusal(answer)).toMatchObject({ code: 'URL_NOT_ALLOWED', reason: 'ADDRESS' });
    expect(answer.errors?.[0]?.message).not.toMatch(/127\.0\.0\.1|::1/);
    expect(subgraph.hits()).toBe(0);
  });

  it('refuses loopback, private, link-local, metadata, unspecified and IPv4-mapped addresses before connecting', async () => {
    const port = subgraph.port;
    const urls = [
      `http://127.0.0.1:${port}/`,
      `http://127.1.2.3:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://2130706433:${port}/`,
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.100.100.200/latest/meta-data/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
    ];
    const { result, ms } = await timed(() =>
      Promise.all(urls.map((url) => guarded.register('maker', url))),
    );
    result.forEach((answer, i) =>
      expect(refusal(answer), urls[i]).toMatchObject({
        code: 'URL_NOT_ALLOWED',
        reason: 'ADDRESS',
      }),
    );
    // Refused from the address alone: nothing waited on a connection to an unroutable host.
    expect(ms).toBeLessThan(2_000);
    expect(subgraph.hits()).toBe(0);
  });
});

describe('a registry for a network on one machine (loopback allowed), with a 1 s deadline and a 64 KiB cap', () => {
  let local: RunningRegistry;
  beforeAll(async () => {
    local = await track(
      startRegistry({ ...DEVELOPMENT_OUTBOUND, timeoutMs: 1_000, maxResponseBytes: 64 * 1024 }),
    );
  }, 30_000);

  it('does not follow a redirect to another host', async () => {
    const target = await track(serveSdl('model'));
    const redirect = await track(serveRedirect(`http://localhost:${target.port}/`));
    const answer = await local.register('maker', redirect.url);
    expect(refusal(answer)).toMatchObject({ code: 'SYSTEM_UNREACHABLE', reason: 'REDIRECT' });
    expect(redirect.hits()).toBe(1);
    expect(target.hits()).toBe(0);
    expect(await local.registry.listSystems()).toEqual([]);
  });

  it('cuts a server that streams an endless body off at the cap', async () => {
    const endless = await track(serveEndlessBody());
    const { result, ms } = await timed(() => local.register('maker', endless.url));
    expect(refusal(result)).toMatchObject({
      code: 'SYSTEM_UNREACHABLE',
      reason: 'RESPONSE_TOO_LARGE',
    });
    expect(ms).toBeLessThan(1_000);
    // What the server got out before the registry hung up: the cap and what socket buffers hold, not the stream.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(endless.bytesWritten()).toBeLessThan(16 * 1024 * 1024);
  });

  it('gives up on a server that trickles its answer at the deadline', async () => {
    const slow = await track(serveTrickle());
    const { result, ms } = await timed(() => local.register('maker', slow.url));
    expect(refusal(result)).toMatchObject({ code: 'SYSTEM_UNREACHABLE', reason: 'TIMEOUT' });
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(2_500);
  });

  it('still refuses a private address that development does not allow', async () => {
    expect(refusal(await local.register('maker', 'http://10.0.0.1/'))).toMatchObject({
      code: 'URL_NOT_ALLOWED',
      reason: 'ADDRESS',
    });
  });
});

describe('a registry whose operator allows one network', () => {
  /** Names as a DNS server would answer them (and a rebinding one may). */
  const NAMES: Record<string, readonly string[]> = {
    'maker.plant.example': ['127.0.0.1'],
    'intranet.plant.example': ['10.1.2.3'],
    'mixed.plant.example': ['10.0.0.5', '127.0.0.1'],
  };
  let allowing: RunningRegistry;
  let guarded: RunningRegistry;
  beforeAll(async () => {
    const resolve = (hostname: string) =>
      Promise.resolve((NAMES[hostname] ?? []).map((address) => ({ address, family: 4 })));
    allowing = await track(startRegistry({ allow: ['127.0.0.1/32'], resolve }));
    guarded = await track(startRegistry());
  }, 30_000);

  it('admits a system in the allowed network that the default policy refuses, and nothing beside it', async () => {
    const subgraph = await track(serveSdl('model'));
    expect(refusal(await guarded.register('maker', subgraph.url))).toMatchObject({
      code: 'URL_NOT_ALLOWED',
    });
    const answer = await allowing.register('maker', subgraph.url);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ registerSystem: { system: { code: '88.1001.1' } } });
    expect(
      refusal(await allowing.register('other', `http://[::1]:${subgraph.port}/`)),
    ).toMatchObject({ code: 'URL_NOT_ALLOWED', reason: 'ADDRESS' });
    expect(
      refusal(await allowing.register('other', `http://127.0.0.2:${subgraph.port}/`)),
    ).toMatchObject({ code: 'URL_NOT_ALLOWED', reason: 'ADDRESS' });
  });

  it('checks the address a name resolves to, and connects to the address it checked', async () => {
    const byName = await track(serveSdl('outputPowerW'));
    expect(
      refusal(await allowing.register('scada', `http://intranet.plant.example:${byName.port}/`)),
    ).toMatchObject({ code: 'URL_NOT_ALLOWED', reason: 'ADDRESS' });
    expect(byName.hits()).toBe(0);
    // The name resolves nowhere but in the registry's resolver: a connection reached it only through the checked address.
    const answer = await allowing.register('scada', `http://maker.plant.example:${byName.port}/`);
    expect(answer.errors).toBeUndefined();
    expect(byName.hits()).toBe(1);
    const mixed = await track(serveSdl('voltageV'));
    expect(
      (await allowing.register('meter', `http://mixed.plant.example:${mixed.port}/`)).errors,
    ).toBeUndefined();
  });

  it('guards an endpoint change as it guards a registration', async () => {
    const moved = await track(serveSdl('model'));
    for (const url of [
      `http://[::1]:${moved.port}/`,
      `http://intranet.plant.example:${moved.port}/`,
      'http://169.254.169.254/',
    ]) {
      expect(refusal(await allowing.call(ENDPOINT, { c: '88.1001.1', u: url })), url).toMatchObject(
        { code: 'URL_NOT_ALLOWED', reason: 'ADDRESS' },
      );
    }
    expect(moved.hits()).toBe(0);
    expect((await allowing.registry.getSystem('88.1001.1'))?.url).not.toContain(String(moved.port));
  });
});

describe('the gateway, for a registry that guards its calls', () => {
  /** The registry's resolver: what a DNS server answers now (and a rebinding one changes). */
  const answers = new Map<string, string>();
  let allowing: RunningRegistry;
  let gatewayUrl = '';
  let internal: HostileServer;
  const kits: RunningSubgraph[] = [];
  beforeAll(async () => {
    const resolve = (hostname: string) =>
      Promise.resolve(
        answers.has(hostname) ? [{ address: answers.get(hostname) ?? '', family: 4 }] : [],
      );
    allowing = await track(startRegistry({ allow: ['127.0.0.1/32'], resolve }));
    // What only the registry's host reaches: a service on another loopback address.
    internal = await track(serveSdl('secret', '127.0.0.2'));
    for (const [name, field] of [
      ['maker', 'model'],
      ['scada', 'outputPowerW'],
    ] as const) {
      const kit = defineSubgraph({
        name,
        title: name,
        fields: [{ name: field, type: 'String', description: `${field}.` }],
        loadDevices: (ids) =>
          Promise.resolve(new Map(ids.map((id) => [id, { [field]: `${field} of ${id}` }]))),
      });
      kits.push(await serveSubgraph(kit, { port: 0 }, { logger: silentLogger }));
    }
    gatewayUrl = await (async () => {
      const gateway = createGateway({
        registry: allowing.registry,
        logger: silentLogger,
        mode: 'development',
      });
      await gateway.start();
      const url = await gateway.listen(0);
      registries.push({ ...allowing, stop: () => gateway.stop() });
      return url;
    })();
  }, 30_000);
  afterAll(async () => Promise.all(kits.map((k) => k.stop())));

  it("resolves a system's name through the guard, and reaches nothing new when the name changes its answer", async () => {
    const admin = { role: 'PLATFORM_ADMIN', keyId: 't', label: 't' } as const;
    for (const [i, name, field] of [
      [0, 'maker', 'model'],
      [1, 'scada', 'outputPowerW'],
    ] as const) {
      answers.set(`${name}.plant.example`, '127.0.0.1');
      expect(
        (
          await allowing.register(
            name,
            `http://${name}.plant.example:${kits[i]?.url.split(':')[2] ?? ''}`,
          )
        ).errors,
      ).toBeUndefined();
      await allowing.registry.registerFields(admin, `88.1001.${i + 1}`, [{ name: field }]);
    }
    await allowing.registry.registerDevices(admin, '88.1001.1', [
      { localCode: 'INV-1', kind: 'INVERTER' },
    ]);
    await allowing.registry.claimDevices(admin, '88.1001.2', [
      { identifier: '88.1001.1/INV-1', localCode: 'S-1' },
    ]);
    const query = async (fields: string) =>
      (
        await fetch(gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `{ device(id: "88.1001.1/INV-1") { ${fields} } }` }),
        })
      ).json() as Promise<{
        data?: { device: Record<string, unknown> | null };
        errors?: GraphqlError[];
      }>;
    // Only the registry's resolver knows these names: the maker's value comes through the guard.
    for (
      let tries = 0;
      (await query('model')).data?.device?.['model'] !== 'model of 88.1001.1/INV-1';
      tries++
    ) {
      if (tries > 50)
        throw new Error('the gateway never served the maker through its registered name');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let the supergraph take up the SCADA's registered field (its schema is read through the guard too).
    await new Promise((r) => setTimeout(r, 500));
    // The name now points at the internal service, before the gateway has ever connected to the system.
    answers.set('scada.plant.example', '127.0.0.2');
    const answer = await query('model outputPowerW');
    expect(answer.data?.device).toEqual({ model: 'model of 88.1001.1/INV-1', outputPowerW: null });
    expect(answer.errors?.map((e) => e.extensions?.['code'])).toEqual(['SYSTEM_UNAVAILABLE']);
    expect(internal.hits()).toBe(0);
  });
});
