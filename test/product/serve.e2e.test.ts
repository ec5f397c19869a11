import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import {
  createGraphqlClient,
  grantPublicKeysFromJwks,
  silentLogger,
  type GraphqlClient,
} from '../../schema/index.js';
import {
  createAnchorer,
  createRegistryAnchorSink,
  defineSubgraph,
  openAnchorJournal,
  serveSubgraph,
  type AnchorJournal,
  type RunningSubgraph,
} from '../../subgraphs/index.js';
import { readInitOutput, runGridmark, startServe, type ServeProcess } from './serve-process.js';
import { openLifecycleApplication } from '../support/application-onboarding.js';

/*
 * An operator's path from nothing to a verified query, with real processes: `gridmark init`, then
 * `gridmark serve --config`, a business system registered over the registry API, a query through
 * the gateway, and a restart that serves the same grant key and the same data.
 */

const CREDIT_CODE = '91320500MA1N7PXK3R';
const DEVICE = '88.1001.1/INV-1';
const QUERY = `{ device(id: "${DEVICE}") { id model ratedPowerW } }`;
/** Loopback systems are admitted, as an operator allows a private network. */
const SERVE_ENV = { GRIDMARK_REGISTRY_OUTBOUND_ALLOW: '127.0.0.0/8' };

const dir = mkdtempSync(join(tmpdir(), 'gridmark-serve-'));
let init: ReturnType<typeof readInitOutput>;
let served: ServeProcess | undefined;
let system: RunningSubgraph | undefined;
let journal: AnchorJournal | undefined;
let appKey = '';

const declaration = {
  name: 'maker',
  title: 'Maker',
  fields: [
    { name: 'model', type: 'String', description: 'The model.' },
    { name: 'ratedPowerW', type: 'Float', description: 'Rated power.', unit: 'W' },
  ],
  loadDevices: (ids: readonly string[]) =>
    Promise.resolve(
      new Map(
        ids
          .filter((id) => id === DEVICE)
          .map((id) => [id, { model: 'SV-150K', ratedPowerW: 150_000 }]),
      ),
    ),
};

async function queryGateway(url: string): Promise<{
  data?: Record<string, unknown> | null;
  errors?: unknown[];
  extensions?: { gridmark?: unknown };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${appKey}`,
      'x-gridmark-function': 'lifecycle',
      'x-gridmark-role': 'om',
    },
    body: JSON.stringify({ query: QUERY }),
  });
  return (await response.json()) as never;
}

/** The gateway's answer once its supergraph has taken up the system (it recomposes on registration). */
async function verifiedAnswer(url: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = await queryGateway(url);
    if (!body.errors || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Registers the maker system, its fields and device, and an application, as the operator and the admin do over HTTP. */
async function registerOverHttp(
  registryUrl: string,
  systemUrl: string,
): Promise<{ code: string; apiKey: string }> {
  const admin = createGraphqlClient({ url: registryUrl, apiKey: init.adminKey });
  const { createEnterprise } = await admin.request<{ createEnterprise: { apiKey: string } }>(
    'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { apiKey } }',
    { input: { creditCode: CREDIT_CODE, name: 'Maker Co.' } },
  );
  const operator = createGraphqlClient({ url: registryUrl, apiKey: createEnterprise.apiKey });
  const { registerSystem } = await operator.request<{
    registerSystem: { system: { code: string }; apiKey: string };
  }>(
    'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code } apiKey } }',
    {
      input: {
        creditCode: CREDIT_CODE,
        systemName: 'Maker',
        subgraphName: 'maker',
        description: 'Maker',
        url: systemUrl,
      },
    },
  );
  const code = registerSystem.system.code;
  const own: GraphqlClient = createGraphqlClient({
    url: registryUrl,
    apiKey: registerSystem.apiKey,
  });
  const { registerFields } = await own.request<{ registerFields: { code: string }[] }>(
    'mutation ($code: ID!, $fields: [FieldInput!]!) { registerFields(systemCode: $code, fields: $fields) { code } }',
    {
      code,
      fields: [
        { name: 'model', feeFen: 1 },
        { name: 'ratedPowerW', feeFen: 2 },
      ],
    },
  );
  await own.request(
    'mutation ($code: ID!, $devices: [DeviceInput!]!) { registerDevices(systemCode: $code, devices: $devices) { registered } }',
    { code, devices: [{ localCode: 'INV-1', kind: 'INVERTER' }] },
  );
  appKey = await openLifecycleApplication(
    admin,
    registerFields.map((f) => f.code),
    10000,
  );
  return { code, apiKey: registerSystem.apiKey };
}

beforeAll(async () => {
  const made = await runGridmark(['init', '--dir', dir, '--port', '0']);
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  init = readInitOutput(made.stdout);
  served = await startServe(init.configFile, SERVE_ENV);
}, 180_000);

afterAll(async () => {
  await served?.stop();
  await system?.stop();
  journal?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('gridmark init, then gridmark serve --config', () => {
  it('made owner-only data, keys and configuration, and serves the key init minted', async () => {
    for (const sub of ['data', 'keys']) expect(statSync(join(dir, sub)).mode & 0o777).toBe(0o700);
    expect(statSync(init.configFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys', 'grant-keys.json')).mode & 0o777).toBe(0o600);
    expect(served?.kid).toBe(init.kid);
    const jwks = (await (await fetch(served?.jwksUrl ?? '')).json()) as { keys: { kid: string }[] };
    expect(jwks.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String) as string,
        kid: init.kid,
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
  });

  it('serves a business system registered over HTTP with verified values, and the same after a restart', async () => {
    const running = served;
    if (!running) throw new Error('not serving');
    // The business system trusts the keys the gateway publishes.
    const keys = grantPublicKeysFromJwks(await (await fetch(running.jwksUrl)).json());
    journal = openAnchorJournal(join(dir, 'maker.anchors.db'));
    system = await serveSubgraph(
      defineSubgraph(declaration, {
        access: { kind: 'grants', gatewayPublicKey: keys[0]?.key ?? (undefined as never) },
        journal,
      }),
      { port: 0, host: '127.0.0.1' },
      { logger: silentLogger },
    );
    const maker = await registerOverHttp(running.registryUrl, system.url);
    expect(maker.code).toBe('88.1001.1');
    const anchorer = createAnchorer({
      declaration,
      listDevices: () => Promise.resolve([DEVICE]),
      journal,
      sink: createRegistryAnchorSink({
        registryUrl: running.registryUrl,
        systemCode: maker.code,
        apiKey: maker.apiKey,
      }),
    });
    expect((await anchorer.anchorPass()).anchored).toBe(2);
    const first = await verifiedAnswer(running.url);
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({ device: { id: DEVICE, model: 'SV-150K', ratedPowerW: 150_000 } });
    expect(
      readReceipt(first.extensions?.gridmark)
        .map((v) => [v.field, v.status])
        .sort(),
    ).toEqual([
      ['model', 'VERIFIED'],
      ['ratedPowerW', 'VERIFIED'],
    ]);

    // A restart: a graceful stop (exit 0), then the same key, the same registry and book.
    expect(await running.stop()).toBe(0);
    served = await startServe(init.configFile, SERVE_ENV);
    expect(served.kid).toBe(init.kid);
    const jwks = (await (await fetch(served.jwksUrl)).json()) as {
      keys: { kid: string; x: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual([init.kid]);
    expect(jwks.keys[0]?.x).toBe(String(keys[0]?.key.export({ format: 'jwk' }).x));
    const again = await verifiedAnswer(served.url);
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    expect(readReceipt(again.extensions?.gridmark).every((v) => v.status === 'VERIFIED')).toBe(
      true,
    );
    const admin = createGraphqlClient({ url: served.registryUrl, apiKey: init.adminKey });
    const { systems } = await admin.request<{ systems: { code: string; subgraphName: string }[] }>(
      '{ systems { code subgraphName } }',
    );
    expect(systems).toEqual([{ code: '88.1001.1', subgraphName: 'maker' }]);
    await anchorer.stop();
  }, 240_000);
});
