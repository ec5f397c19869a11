import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  readReceipt,
  recheckResponse,
  type Caller,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../ledger-adapter/index.js';
import { GRANT_HEADER, GridmarkError, signGrant, silentLogger } from '../schema/index.js';
import {
  createAnchorer,
  createRegistryAnchorSink,
  defineSubgraph,
  openAnchorJournal,
  serveSubgraph,
  type Anchorer,
  type DeviceRecord,
  type RunningSubgraph,
  type Subgraph,
} from '../subgraphs/index.js';

/**
 * Field-level rules and verifiable responses, end to end over HTTP: the registry, the embedded
 * ledger, the gateway with access control, and two business systems that require grants and
 * anchor their values.
 */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const gatewayKey = generateKeyPairSync('ed25519');
const dir = mkdtempSync(join(tmpdir(), 'gridmark-verified-'));
const makerRows = new Map<string, DeviceRecord>([
  ['88.1001.1/INV-1', { model: 'SV-150K', brand: 'Sunvolt' }],
  ['88.1001.1/INV-2', { model: 'SV-150K', brand: 'Sunvolt' }],
]);
const scadaRows = new Map<string, DeviceRecord>([
  [
    '88.1001.1/INV-1',
    {
      outputPowerW: 1200.5,
      events: [{ at: '2026-11-30T08:00:00Z', code: 'GRID_SAG', note: 'recovered' }],
    },
  ],
  ['88.1001.1/INV-2', { outputPowerW: 0, events: [] }],
]);
const loads: Record<string, number> = { maker: 0, scada: 0 };
const makerJournal = openAnchorJournal(':memory:');
const scadaJournal = openAnchorJournal(':memory:');

/** The maker system; defined again for a restart, which gives it a new grant key. */
const defineMaker = (): Subgraph =>
  defineSubgraph(
    {
      name: 'maker',
      title: 'maker',
      fields: [
        { name: 'model', type: 'String', description: 'Model.' },
        { name: 'brand', type: 'String', description: 'Brand.' },
      ],
      loadDevices: (ids) => {
        loads['maker'] = (loads['maker'] ?? 0) + 1;
        return Promise.resolve(
          new Map(ids.flatMap((id) => (makerRows.has(id) ? [[id, makerRows.get(id) ?? {}]] : []))),
        );
      },
    },
    { access: { kind: 'grants', gatewayPublicKey: gatewayKey.publicKey }, journal: makerJournal },
  );
const maker = defineMaker();
const scada = defineSubgraph(
  {
    name: 'scada',
    title: 'scada',
    fields: [
      {
        name: 'outputPowerW',
        type: 'Float',
        description: 'Output.',
        unit: 'W',
        changePolicy: 'release-unverified',
      },
      { name: 'events', type: '[ScadaEvent!]', description: 'Events.' },
    ],
    typeDefs: 'type ScadaEvent { at: String! code: String! note: String }',
    loadDevices: (ids) => {
      loads['scada'] = (loads['scada'] ?? 0) + 1;
      return Promise.resolve(
        new Map(ids.flatMap((id) => (scadaRows.has(id) ? [[id, scadaRows.get(id) ?? {}]] : []))),
      );
    },
  },
  { access: { kind: 'grants', gatewayPublicKey: gatewayKey.publicKey }, journal: scadaJournal },
);

/** The grants each system received, in order. */
const grantsSeen: Record<string, string[]> = { maker: [], scada: [] };
const recording = (subgraph: Subgraph): Subgraph => ({
  ...subgraph,
  createContext: (headers) => {
    const grant = headers?.(GRANT_HEADER);
    if (grant) grantsSeen[subgraph.name]?.push(grant);
    return subgraph.createContext(headers);
  },
});

let ledger: LedgerAdapter;
let registry: Registry;
let gateway: Gateway;
let base = '';
let appKey = '';
const served: RunningSubgraph[] = [];
const anchorers: Record<string, Anchorer> = {};

async function query(
  text: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
) {
  const response = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: text, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: {
      gridmark?: {
        resolution: { id: string } | null;
        anchors: string[];
        values: Record<
          string,
          Record<string, { status: string; anchor: number | null; value?: unknown }>
        >;
      };
    };
  };
}
/** The values a response's receipt states, one line each. */
const received = (r: Awaited<ReturnType<typeof query>>) => readReceipt(r.extensions?.gridmark);
const om = () => ({
  authorization: `Bearer ${appKey}`,
  'x-gridmark-function': 'full-lifecycle',
  'x-gridmark-role': 'om',
});
const analyst = () => ({ ...om(), 'x-gridmark-role': 'analyst' });

beforeAll(async () => {
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
  });
  gateway = createGateway({
    registry,
    access: { ledger, signingKey: gatewayKey.privateKey },
    logger: silentLogger,
  });
  await gateway.start();
  base = await gateway.listen(0);
  const keys: Record<string, string> = {};
  for (const [subgraph, credit] of [
    [maker, '91320500MA1N7PXK3R'],
    [scada, '91640100MA77LQ3F21'],
  ] as const) {
    const running = await serveSubgraph(recording(subgraph), { port: 0 }, { logger: silentLogger });
    served.push(running);
    const { system, apiKey } = await registry.registerSystem(
      (await onboardEnterprise(registry, { creditCode: credit, name: subgraph.name })).caller,
      {
        creditCode: credit,
        systemName: subgraph.name,
        subgraphName: subgraph.name,
        description: subgraph.name,
        url: running.url,
      },
    );
    keys[subgraph.name] = apiKey;
    await registry.registerFields(
      ADMIN,
      system.code,
      subgraph.fields.map((f) => ({
        name: f.name,
        feeFen: 1,
        changePolicy: f.changePolicy ?? null,
      })),
    );
  }
  await registry.registerDevices(ADMIN, '88.1001.1', [
    { localCode: 'INV-1', kind: 'INVERTER' },
    { localCode: 'INV-2', kind: 'INVERTER' },
  ]);
  await registry.claimDevices(ADMIN, '88.1001.2', [
    { identifier: '88.1001.1/INV-1', localCode: 'S1' },
    { identifier: '88.1001.1/INV-2', localCode: 'S2' },
  ]);
  for (const [subgraph, code, rows] of [
    [maker, '88.1001.1', makerRows],
    [scada, '88.1001.2', scadaRows],
  ] as const) {
    anchorers[subgraph.name] = createAnchorer({
      declaration: {
        name: subgraph.name,
        title: subgraph.title,
        fields: subgraph.fields,
        loadDevices: (ids) =>
          Promise.resolve(
            new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) ?? {}]] : []))),
          ),
      },
      listDevices: () => Promise.resolve([...rows.keys()]),
      journal: subgraph === maker ? makerJournal : scadaJournal,
      sink: createRegistryAnchorSink({
        registryUrl: new URL('/registry', base).toString(),
        systemCode: code,
        apiKey: keys[subgraph.name] ?? '',
      }),
    });
  }
  const app = await registry.registerApplication(ADMIN, {
    name: 'full-lifecycle management',
    roles: ['om', 'analyst'],
  });
  appKey = app.apiKey;
  await registry.publishRule(ADMIN, {
    appId: app.application.appId,
    function: 'full-lifecycle',
    role: 'om',
    fieldCodes: ['88.1001.1.F0001', '88.1001.2.F0001', '88.1001.2.F0002'],
  });
  await registry.publishRule(ADMIN, {
    appId: app.application.appId,
    function: 'full-lifecycle',
    role: 'analyst',
    fieldCodes: ['88.1001.1.F0001'],
  });
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await Promise.all(served.map((s) => s.stop()));
  await registry.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('verified fields', () => {
  it('withholds values that were never anchored (fail closed)', async () => {
    const r = await query('{ device(id: "88.1001.1/INV-1") { model } }', om());
    expect(r.data).toEqual({ device: { model: null } });
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'UNVERIFIABLE',
      device: '88.1001.1/INV-1',
      field: 'model',
    });
    // Serving a value it never anchored is a failed verification of the system: -2 credit.
    const deadline = Date.now() + 5_000;
    while (
      (await registry.getEnterprise('91320500MA1N7PXK3R'))?.creditScore !== 78 &&
      Date.now() < deadline
    )
      await new Promise((res) => setTimeout(res, 50));
    expect(await registry.creditHistory(ADMIN, { systemCode: '88.1001.1' })).toEqual([
      expect.objectContaining({ kind: 'FAILED_VERIFICATION', delta: -2, scoreAfter: 78 }),
    ]);
  });

  it('releases anchored values with their verification and the resolution reference', async () => {
    expect((await anchorers['maker']?.anchorPass())?.anchored).toBe(4);
    expect((await anchorers['scada']?.anchorPass())?.anchored).toBe(4);
    const r = await query(
      '{ device(id: "88.1001.1/INV-1") { id model outputPowerW events { code } } }',
      om(),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      device: {
        id: '88.1001.1/INV-1',
        model: 'SV-150K',
        outputPowerW: 1200.5,
        events: [{ code: 'GRID_SAG' }],
      },
    });
    const gridmark = r.extensions?.gridmark;
    expect(gridmark?.resolution?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(
      received(r)
        .map((f) => [f.field, f.status])
        .sort(),
    ).toEqual([
      ['events', 'VERIFIED'],
      ['model', 'VERIFIED'],
      ['outputPowerW', 'VERIFIED'],
    ]);
    expect(received(r).every((f) => f.salt && f.anchor?.txId.match(/^[0-9a-f]{64}$/))).toBe(true);
    // Each system anchored in one transaction: two transaction ids, referenced by index.
    expect(gridmark?.anchors).toHaveLength(2);
    expect(Object.keys(gridmark?.values ?? {})).toEqual(['88.1001.1/INV-1']);
    expect(
      new Set(Object.values(gridmark?.values['88.1001.1/INV-1'] ?? {}).map((v) => v.anchor)),
    ).toEqual(new Set([0, 1]));
    // Resolutions are recorded in batches, off the request path: within moments.
    const deadline = Date.now() + 3_000;
    while (
      (await ledger.getResolution(gridmark?.resolution?.id ?? '')) === null &&
      Date.now() < deadline
    )
      await new Promise((res) => setTimeout(res, 20));
    expect(await ledger.getResolution(gridmark?.resolution?.id ?? '')).toMatchObject({
      resolutionId: gridmark?.resolution?.id,
      applicationId: 'APP-0001',
      function: 'full-lifecycle',
      role: 'om',
      totalFeeFen: (gridmark?.resolution as { totalFeeFen?: number } | null)?.totalFeeFen,
    });
  });

  it('lets the application prove later what it received, and catches a forged copy', async () => {
    const sent = '{ device(id: "88.1001.1/INV-2") { brand: model } }';
    const r = await query(sent, om());
    expect(r.data).toEqual({ device: { brand: 'SV-150K' } });
    await new Promise((res) => setTimeout(res, 300));
    // The alias is read through the query sent: without it, `brand` is no field the receipt names.
    expect((await recheckResponse(r, ledger)).data.findings).toMatchObject([
      { outcome: 'UNCHECKED', path: 'device.brand' },
    ]);
    const report = await recheckResponse(r, ledger, { request: { query: sent } });
    expect(report, JSON.stringify({ report, ext: r.extensions, errors: r.errors })).toMatchObject({
      ok: true,
      resolutionRecorded: true,
      fields: [{ device: '88.1001.1/INV-2', field: 'model', outcome: 'PROVEN' }],
    });
    const forged = JSON.parse(JSON.stringify(r)) as typeof r;
    const line = forged.extensions?.gridmark?.values['88.1001.1/INV-2']?.['model'];
    expect(line?.value).toBe('SV-150K');
    if (line) line.value = 'SV-200K';
    expect(await recheckResponse(forged, ledger)).toMatchObject({
      ok: false,
      fields: [{ outcome: 'MISMATCH' }],
    });
    expect(
      (
        await recheckResponse(
          {
            ...r,
            extensions: {
              gridmark: { ...r.extensions?.gridmark, resolution: { id: '0'.repeat(64) } },
            },
          },
          ledger,
        )
      ).resolutionRecorded,
    ).toBe(false);
  });

  it('refuses a field the role is not granted, before any subgraph is called', async () => {
    const before = { ...loads };
    const r = await query('{ device(id: "88.1001.1/INV-1") { model outputPowerW } }', analyst());
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'FIELD_NOT_PERMITTED',
      fields: ['outputPowerW'],
    });
    expect(loads).toEqual(before);
  });

  it('refuses with the HTTP status a client expects: 401, 400, 403; a catalog query is 200', async () => {
    const statusOf = async (text: string, headers: Record<string, string>) => {
      const response = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: text }),
      });
      const body = (await response.json()) as {
        errors?: { extensions?: Record<string, unknown> }[];
      };
      return [response.status, body.errors?.[0]?.extensions?.['code'] ?? null];
    };
    const model = '{ device(id: "88.1001.1/INV-1") { model } }';
    expect(await statusOf(model, {})).toEqual([401, 'UNAUTHENTICATED']);
    // A key of the right shape that the registry does not know, and one that is not a key at all.
    const [keyId] = appKey.split('_').slice(1, 2);
    expect(
      await statusOf(model, {
        ...om(),
        authorization: `Bearer gmk_${keyId ?? 'x'}_${'A'.repeat(43)}`,
      }),
    ).toEqual([401, 'UNAUTHENTICATED']);
    expect(await statusOf(model, { ...om(), authorization: 'Bearer not-a-key' })).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(await statusOf(model, { authorization: `Bearer ${appKey}` })).toEqual([
      400,
      'FUNCTION_REQUIRED',
    ]);
    expect(
      await statusOf('{ device(id: "88.1001.1/INV-1") { model outputPowerW } }', analyst()),
    ).toEqual([403, 'FIELD_NOT_PERMITTED']);
    expect(await statusOf('{ device(id: "88.1001.1/INV-1") { id kind } }', {})).toEqual([
      200,
      null,
    ]);
  });

  it('has no rule, no data; needs credentials and a function; lets catalog fields through', async () => {
    expect(
      (
        await query('{ device(id: "88.1001.1/INV-1") { model } }', {
          ...om(),
          'x-gridmark-function': 'financing',
        })
      ).errors?.[0]?.extensions?.['code'],
    ).toBe('FIELD_NOT_PERMITTED');
    expect(
      (await query('{ device(id: "88.1001.1/INV-1") { model } }')).errors?.[0]?.extensions?.[
        'code'
      ],
    ).toBe('UNAUTHENTICATED');
    expect(
      (
        await query('{ device(id: "88.1001.1/INV-1") { model } }', {
          authorization: `Bearer ${appKey}`,
        })
      ).errors?.[0]?.extensions?.['code'],
    ).toBe('FUNCTION_REQUIRED');
    expect(await query('{ device(id: "88.1001.1/INV-1") { id kind heldBy } }')).toEqual({
      data: { device: { id: '88.1001.1/INV-1', kind: 'INVERTER', heldBy: ['maker', 'scada'] } },
    });
  });

  it('marks a live value that changed since its anchor unverified, as its policy says', async () => {
    scadaRows.set('88.1001.1/INV-1', { ...scadaRows.get('88.1001.1/INV-1'), outputPowerW: 1300 });
    const r = await query('{ device(id: "88.1001.1/INV-1") { outputPowerW } }', om());
    expect(r.data).toEqual({ device: { outputPowerW: 1300 } });
    expect(received(r)).toEqual([
      expect.objectContaining({ field: 'outputPowerW', status: 'UNVERIFIED' }),
    ]);
    await anchorers['scada']?.anchorPass();
    expect(
      received(await query('{ device(id: "88.1001.1/INV-1") { outputPowerW } }', om()))[0]?.status,
    ).toBe('VERIFIED');
  });

  it('withholds a tampered value, names it, reports it on the ledger and lowers the credit', async () => {
    makerRows.set('88.1001.1/INV-2', { model: 'SV-200K', brand: 'Sunvolt' });
    // A scheduled pass leaves a changed value of a `refuse` field alone: it was not vouched for.
    expect((await anchorers['maker']?.anchorPass())?.anchored).toBe(0);
    const r = await query('{ device(id: "88.1001.1/INV-2") { model outputPowerW } }', om());
    expect(r.data).toEqual({ device: { model: null, outputPowerW: 0 } });
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]?.extensions, JSON.stringify(r.errors)).toMatchObject({
      code: 'TAMPERED',
      device: '88.1001.1/INV-2',
      field: 'model',
      system: 'maker',
      systemCode: '88.1001.1',
    });
    const deadline = Date.now() + 5_000;
    while ((await ledger.getTamperReports('88.1001.1')).length === 0 && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 50));
    expect(await ledger.getTamperReports('88.1001.1')).toEqual([
      expect.objectContaining({ deviceId: '88.1001.1/INV-2', fieldCode: '88.1001.1.F0001' }),
    ]);
    while (
      (await registry.getEnterprise('91320500MA1N7PXK3R'))?.creditScore !== 68 &&
      Date.now() < deadline
    )
      await new Promise((res) => setTimeout(res, 50));
    expect((await registry.getEnterprise('91320500MA1N7PXK3R'))?.creditScore).toBe(68);
  });

  it('verifies a change the system vouches for through its write path', async () => {
    expect((await anchorers['maker']?.anchorNow(['88.1001.1/INV-2']))?.anchored).toBe(1);
    const r = await query('{ device(id: "88.1001.1/INV-2") { model } }', om());
    expect(r).toMatchObject({ data: { device: { model: 'SV-200K' } } });
    expect(received(r)[0]?.status).toBe('VERIFIED');
  });

  it('detects a tampered part of an object value', async () => {
    scadaRows.set('88.1001.1/INV-1', {
      ...scadaRows.get('88.1001.1/INV-1'),
      events: [{ at: '2026-11-30T08:00:00Z', code: 'NONE', note: 'recovered' }],
    });
    const r = await query('{ device(id: "88.1001.1/INV-1") { events { code } } }', om());
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'TAMPERED', field: 'events' });
  });

  it('withholds a value that has no canonical JSON (a lone surrogate) as tampered, and answers the rest', async () => {
    const before = scadaRows.get('88.1001.1/INV-1');
    scadaRows.set('88.1001.1/INV-1', {
      ...before,
      events: [{ at: '2026-11-30T08:00:00Z', code: 'NONE', note: 'lone \uD800 surrogate' }],
    });
    try {
      const r = await query('{ device(id: "88.1001.1/INV-1") { model events { note } } }', om());
      expect(r.errors, JSON.stringify(r.errors)).toHaveLength(1);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'TAMPERED', field: 'events' });
      expect(r.data).toMatchObject({ device: { events: null } });
      expect(typeof (r.data as { device: { model: unknown } }).device.model).toBe('string');
    } finally {
      if (before) scadaRows.set('88.1001.1/INV-1', before);
    }
  });

  it('answers from cached rules and anchors: the second identical query reads nothing from the ledger', async () => {
    await query('{ device(id: "88.1001.1/INV-1") { model } }', om());
    const before = ledger.stats.evaluations;
    await query('{ device(id: "88.1001.1/INV-1") { model } }', om());
    expect(ledger.stats.evaluations).toBe(before);
  });
});

describe('grants at the business system', () => {
  const entities =
    '{ _entities(representations: [{ __typename: "Device", id: "88.1001.1/INV-1" }]) { ... on Device { model brand } } }';
  const direct = async (headers: Record<string, string>) => {
    const response = await fetch(served[0]?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: entities }),
    });
    return (await response.json()) as {
      data?: { _entities: (Record<string, unknown> | null)[] };
      errors?: { extensions?: Record<string, unknown> }[];
    };
  };
  const grant = (over: Record<string, unknown> = {}, key = gatewayKey.privateKey) =>
    signGrant(
      {
        v: 1,
        app: 'APP-0001',
        fn: 'full-lifecycle',
        role: 'om',
        sys: 'maker',
        devices: ['88.1001.1/INV-1'],
        fields: ['model'],
        res: 'r',
        exp: Date.now() + 10_000,
        nonce: Math.random().toString(36),
        ...over,
      },
      key,
    );

  it('gives nothing without a grant', async () => {
    const r = await direct({});
    expect(r.data?._entities).toEqual([null]);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'GRANT_REFUSED', reason: 'MISSING' });
  });

  it('gives only the fields the grant covers', async () => {
    const r = await direct({ [GRANT_HEADER]: grant() });
    expect(r.data?._entities).toEqual([{ model: 'SV-150K', brand: null }]);
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'GRANT_REFUSED',
      reason: 'NOT_COVERED',
    });
  });

  it('refuses a replayed, expired or forged grant', async () => {
    const once = grant();
    await direct({ [GRANT_HEADER]: once });
    expect((await direct({ [GRANT_HEADER]: once })).errors?.[0]?.extensions?.['reason']).toBe(
      'REPLAYED',
    );
    expect(
      (await direct({ [GRANT_HEADER]: grant({ exp: Date.now() - 31_000 }) })).errors?.[0]
        ?.extensions?.['reason'],
    ).toBe('EXPIRED');
    expect(
      (await direct({ [GRANT_HEADER]: grant({}, generateKeyPairSync('ed25519').privateKey) }))
        .errors?.[0]?.extensions?.['reason'],
    ).toBe('UNKNOWN_KEY');
  });
});

describe('grant channels', () => {
  const q = '{ device(id: "88.1001.1/INV-1") { model } }';
  const isSigned = (token: string | undefined) => token?.split('.').length === 3;
  const isSealed = (token: string | undefined) => token?.startsWith('mac1.') === true;

  it("signs a system's first grant, and seals the next ones once the system has announced its grant key", async () => {
    expect(isSigned(grantsSeen['maker']?.[0])).toBe(true);
    const r = await query(q, om());
    expect(r.errors).toBeUndefined();
    expect(received(r).map((f) => f.status)).toEqual(['VERIFIED']);
    expect(isSealed(grantsSeen['maker']?.at(-1))).toBe(true);
    expect(isSealed(grantsSeen['scada']?.at(-1))).toBe(true);
  });

  it('finds the new grant key of a system that restarted, without losing the query', async () => {
    const statementBefore = grantsSeen['maker']?.at(-1)?.split('.')[2];
    const before = served[0];
    if (!before) throw new Error('maker is not served');
    await before.stop();
    served[0] = await serveSubgraph(
      recording(defineMaker()),
      { port: Number(new URL(before.url).port) },
      { logger: silentLogger },
    );
    const seen: string[] = [];
    grantsSeen['maker'] = seen;
    const r = await query(q, om());
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ device: { model: 'SV-150K' } });
    expect(received(r).map((f) => f.status)).toEqual(['VERIFIED']);
    // The grant sealed for the old key was refused as stale; the request went again, signed.
    expect(seen).toHaveLength(2);
    expect(seen[0]?.split('.')[2]).toBe(statementBefore);
    expect(isSigned(seen[1])).toBe(true);
    // From then on, one request per query, sealed in a channel to the new key.
    await query(q, om());
    await query(q, om());
    expect(seen).toHaveLength(4);
    expect(isSealed(seen[2])).toBe(true);
    expect(seen[2]?.split('.')[2]).not.toBe(statementBefore);
    expect(seen[3]?.split('.')[2]).toBe(seen[2]?.split('.')[2]);
  });

  it('refuses a sealed grant replayed straight to the system', async () => {
    const sealed = grantsSeen['maker']?.at(-1) ?? '';
    const response = await fetch(served[0]?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [GRANT_HEADER]: sealed },
      body: JSON.stringify({
        query:
          '{ _entities(representations: [{ __typename: "Device", id: "88.1001.1/INV-1" }]) { ... on Device { model } } }',
      }),
    });
    const r = (await response.json()) as {
      data?: { _entities: unknown[] };
      errors?: { extensions?: Record<string, unknown> }[];
    };
    expect(r.data?._entities).toEqual([null]);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'GRANT_REFUSED', reason: 'REPLAYED' });
  });

  it('loses no query to replicas that hold different grant keys behind one address', async () => {
    // Two replicas of the maker system behind one port, answering in turn, each with its own key.
    const replicas = [recording(defineMaker()), recording(defineMaker())];
    const servers = await Promise.all(
      replicas.map((r) => serveSubgraph(r, { port: 0 }, { logger: silentLogger })),
    );
    const before = served[0];
    if (!before) throw new Error('maker is not served');
    await before.stop();
    let turn = 0;
    const front = createServer((req, res) => {
      const target = new URL(servers[turn++ % servers.length]?.url ?? '');
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) =>
      front.listen(Number(new URL(before.url).port), '127.0.0.1', resolve),
    );
    served[0] = {
      name: 'maker',
      url: before.url,
      stop: async () => (front.close(), void (await Promise.all(servers.map((s) => s.stop())))),
    };
    try {
      for (let i = 0; i < 4; i++) {
        const r = await query(q, om());
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        expect(received(r).map((f) => f.status)).toEqual(['VERIFIED']);
      }
    } finally {
      front.closeAllConnections();
    }
  });
});

/** The test's ledger, but `method` fails as an unreachable ledger does. */
function ledgerFailingAt(method: keyof LedgerAdapter): LedgerAdapter {
  return new Proxy(ledger, {
    get(target, property) {
      if (property === method)
        return () => Promise.reject(new GridmarkError('LEDGER_UNAVAILABLE', 'down'));
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

describe('tamper reports', () => {
  it('reach the ledger even when the resolution they name is recorded late', async () => {
    // resolveBatch takes its time: a report sent before the resolution is on the ledger would be refused.
    const slow = new Proxy(ledger, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'resolveBatch')
          return async (...args: unknown[]) => (
            await new Promise((res) => setTimeout(res, 300)),
            (value as (...a: unknown[]) => unknown).apply(target, args)
          );
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    const delayed = createGateway({
      registry,
      access: { ledger: slow, signingKey: gatewayKey.privateKey },
      logger: silentLogger,
    });
    await delayed.start();
    try {
      const before = (await ledger.getTamperReports('88.1001.2')).length;
      // The scada system's events of INV-1 were changed without being anchored (see above).
      const r = await delayed.execute(
        { query: '{ device(id: "88.1001.1/INV-1") { events { code } } }' },
        om(),
      );
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'TAMPERED', field: 'events' });
      const deadline = Date.now() + 5_000;
      while (
        (await ledger.getTamperReports('88.1001.2')).length === before &&
        Date.now() < deadline
      )
        await new Promise((res) => setTimeout(res, 50));
      expect((await ledger.getTamperReports('88.1001.2')).length).toBe(before + 1);
    } finally {
      await delayed.stop();
    }
  });
});

describe('fail closed', () => {
  it('withholds values when the ledger cannot be read', async () => {
    const failing = ledgerFailingAt('getAnchors');
    const closed = createGateway({
      registry,
      access: { ledger: failing, signingKey: gatewayKey.privateKey },
      logger: silentLogger,
    });
    await closed.start();
    try {
      const r = await closed.execute(
        { query: '{ device(id: "88.1001.1/INV-1") { model } }' },
        om(),
      );
      expect(r.data).toEqual({ device: { model: null } });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNVERIFIABLE' });
    } finally {
      await closed.stop();
    }
  });

  it('refuses to release data while the ledger does not record resolutions', async () => {
    const refusing = ledgerFailingAt('resolveBatch');
    const closed = createGateway({
      registry,
      access: { ledger: refusing, signingKey: gatewayKey.privateKey },
      logger: silentLogger,
    });
    await closed.start();
    try {
      await closed.execute({ query: '{ device(id: "88.1001.1/INV-1") { model } }' }, om());
      await new Promise((res) => setTimeout(res, 100));
      const r = await closed.execute(
        { query: '{ device(id: "88.1001.1/INV-1") { model } }' },
        om(),
      );
      expect(r.data).toBeUndefined();
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    } finally {
      await closed.stop();
    }
  });
});
