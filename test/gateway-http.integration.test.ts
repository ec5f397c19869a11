import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createMemoryDirectory, type Gateway } from '../gateway/index.js';
import { silentLogger } from '../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../subgraphs/index.js';

/** The gateway and two business systems over real sockets. */
const devices = [
  { id: '88.5.1/INV-1', kind: 'INVERTER' as const, heldBy: ['maker', 'scada'] },
  { id: '88.5.1/INV-2', kind: 'INVERTER' as const, heldBy: ['maker', 'scada'] },
];
const maker = defineSubgraph({
  name: 'maker',
  title: 'a maker',
  fields: [{ name: 'model', type: 'String', description: 'Model.' }],
  loadDevices: (ids) =>
    Promise.resolve(new Map(ids.map((id) => [id, { model: `M-${id.slice(-1)}` }]))),
});
const scada = defineSubgraph({
  name: 'scada',
  title: 'a SCADA',
  fields: [{ name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' }],
  loadDevices: (ids) => Promise.resolve(new Map(ids.map((id) => [id, { outputPowerW: 42 }]))),
});

let running: RunningSubgraph[] = [];
let scadaPort = 0;
let gateway: Gateway;
let url: string;

async function post(
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  running = [
    await serveSubgraph(maker, { port: 0 }, { logger: silentLogger }),
    await serveSubgraph(scada, { port: 0 }, { logger: silentLogger }),
  ];
  scadaPort = Number(new URL(running[1]?.url ?? '').port);
  gateway = createGateway({
    systems: running.map((r) => ({ name: r.name, url: r.url })),
    directory: createMemoryDirectory(devices),
    logger: silentLogger,
    mode: 'development',
    subgraphTimeoutMs: 2_000,
  });
  await gateway.start();
  url = await gateway.listen(0);
});

afterAll(async () => {
  await gateway.stop();
  await Promise.all(running.map((r) => r.stop()));
});

describe('the gateway over HTTP', () => {
  it('answers a federated query over HTTP', async () => {
    const { status, json } = await post(
      JSON.stringify({
        query: '{ devices(ids: ["88.5.1/INV-1", "88.5.1/INV-2"]) { id model outputPowerW } }',
      }),
    );
    expect(status).toBe(200);
    expect(json).toEqual({
      data: {
        devices: [
          { id: '88.5.1/INV-1', model: 'M-1', outputPowerW: 42 },
          { id: '88.5.1/INV-2', model: 'M-2', outputPowerW: 42 },
        ],
      },
    });
  });

  it('serves the Apollo Sandbox landing page to a browser in development', async () => {
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it('reports the composed systems on /healthz', async () => {
    const response = await fetch(new URL('/healthz', url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      phase: 'serving',
      composed: ['catalog', 'maker', 'scada'],
      missing: [],
    });
  });

  it('answers unknown paths with 404 and bad JSON with 400, both with codes', async () => {
    const notFound = await fetch(new URL('/nowhere', url));
    expect(notFound.status).toBe(404);
    const bad = await post('{"query": ');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('refuses an over-large body with 413', async () => {
    const big = await post(
      JSON.stringify({
        query: `{ device(id: "88.5.1/INV-1") { id } }`,
        variables: { pad: 'x'.repeat(1_100_000) },
      }),
    );
    expect(big.status).toBe(413);
  });

  it('keeps serving the other systems while one is down, then recovers', async () => {
    await running[1]?.stop();
    const { json } = await post(
      JSON.stringify({ query: '{ device(id: "88.5.1/INV-1") { model outputPowerW } }' }),
    );
    expect(json).toEqual({
      data: { device: { model: 'M-1', outputPowerW: null } },
      errors: [
        {
          message: 'Business system "scada" is unavailable; its fields are null.',
          extensions: { code: 'SYSTEM_UNAVAILABLE', system: 'scada' },
        },
      ],
    });
    running[1] = await serveSubgraph(scada, { port: scadaPort }, { logger: silentLogger });
    const { json: after } = await post(
      JSON.stringify({ query: '{ device(id: "88.5.1/INV-1") { outputPowerW } }' }),
    );
    expect(after).toEqual({ data: { device: { outputPowerW: 42 } } });
  });
});

describe('a business system slower than the deadline', () => {
  it('costs its own fields only, within the deadline', async () => {
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const slow = defineSubgraph({
      name: 'slow',
      title: 'a slow system',
      fields: [{ name: 'readingW', type: 'Float', description: 'Reading.', unit: 'W' }],
      loadDevices: async (ids) => {
        await stalled;
        return new Map(ids.map((id) => [id, { readingW: 1 }]));
      },
    });
    const systems = [
      await serveSubgraph(maker, { port: 0 }, { logger: silentLogger }),
      await serveSubgraph(slow, { port: 0 }, { logger: silentLogger }),
    ];
    const directory = createMemoryDirectory([
      { id: '88.5.1/INV-1', kind: 'INVERTER', heldBy: ['maker', 'slow'] },
    ]);
    const deadlined = createGateway({
      systems: systems.map((r) => ({ name: r.name, url: r.url })),
      directory,
      logger: silentLogger,
      mode: 'production',
      subgraphTimeoutMs: 300,
    });
    try {
      await deadlined.start();
      const at = await deadlined.listen(0);
      // The slow system answers only after the test: the response can only come from the deadline.
      const response = await fetch(at, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ device(id: "88.5.1/INV-1") { model readingW } }' }),
      });
      expect(await response.json()).toEqual({
        data: { device: { model: 'M-1', readingW: null } },
        errors: [
          {
            message: 'Business system "slow" is unavailable; its fields are null.',
            extensions: { code: 'SYSTEM_UNAVAILABLE', system: 'slow' },
          },
        ],
      });
    } finally {
      release();
      await deadlined.stop();
      await Promise.all(systems.map((r) => r.stop()));
    }
  });
});
