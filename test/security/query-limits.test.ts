import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccounted,
  startChargedNetwork,
  type ChargedNetwork,
  type Reply,
} from './charged-network.js';

/**
 * No single request can stop the data plane. Before, one query with 2,000 aliased `device(id:)`
 * fields was queued for the ledger, the ledger refused the record, the recorder retried it for
 * ever, every later query of every application was refused, `/healthz` said serving and the
 * gateway could not stop.
 */
let network: ChargedNetwork;
let first: Readonly<Record<string, string>>;
let second: { readonly appId: string; readonly headers: Readonly<Record<string, string>> };

beforeAll(async () => {
  network = await startChargedNetwork();
  ({ headers: first } = await network.application('first', ['model', 'outputPowerW']));
  second = await network.application('second', ['model', 'brand']);
}, 60_000);

afterAll(async () => {
  await network.stop();
});

const code = (reply: Reply) => reply.errors?.[0]?.extensions?.['code'];
const limit = (reply: Reply) =>
  reply.errors?.[0]?.extensions?.['limit'] as
    { name?: string; max?: number; found?: number } | undefined;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `88.1001.1/X-${i + 1}`);
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('limits checked before anything is queued', () => {
  it('refuses 2,000 aliased device fields with 400 QUERY_TOO_COMPLEX, queueing nothing', async () => {
    const submissions = network.ledger.stats.submissions;
    const query = `{ ${ids(2_000)
      .map((id, i) => `d${i}: device(id: "${id}") { model }`)
      .join(' ')} }`;
    const reply = await network.post({ query }, first);
    expect(reply.status).toBe(400);
    expect(code(reply)).toBe('QUERY_TOO_COMPLEX');
    // 2,000 aliased fields are also over the token limit, which the parser meets first.
    expect(['tokens', 'aliases']).toContain(limit(reply)?.name);
    expect(reply.data).toBeUndefined();
    const aliased = await network.post(
      {
        query: `{ ${ids(150)
          .map((id, i) => `d${i}: device(id: "${id}") { model }`)
          .join(' ')} }`,
      },
      first,
    );
    expect([aliased.status, code(aliased), limit(aliased)]).toEqual([
      400,
      'QUERY_TOO_COMPLEX',
      { name: 'aliases', max: 100 },
    ]);
    await settle();
    expect(network.ledger.stats.submissions).toBe(submissions);
  });

  it('refuses more distinct devices than one resolution holds, however they are named, with 400 TOO_MANY_DEVICES', async () => {
    const submissions = network.ledger.stats.submissions;
    const literal = await network.post(
      { query: `{ devices(ids: ${JSON.stringify(ids(501))}) { model } }` },
      first,
    );
    expect([literal.status, code(literal), limit(literal)]).toEqual([
      400,
      'TOO_MANY_DEVICES',
      { name: 'devices', max: 500, found: 501 },
    ]);
    const defaulted = await network.post(
      {
        query: `query ($ids: [ID!]! = ${JSON.stringify(ids(600))}) { devices(ids: $ids) { model } }`,
      },
      first,
    );
    expect([defaulted.status, code(defaulted)]).toEqual([400, 'TOO_MANY_DEVICES']);
    const split = await network.post(
      {
        query: `query ($a: [ID!]!, $b: [ID!]!) { a: devices(ids: $a) { model } b: devices(ids: $b) { model } }`,
        variables: { a: ids(300), b: ids(600).slice(300) },
      },
      first,
    );
    expect([split.status, code(split), limit(split)?.found]).toEqual([
      400,
      'TOO_MANY_DEVICES',
      600,
    ]);
    await settle();
    expect(network.ledger.stats.submissions).toBe(submissions);
  });

  it('refuses documents over the depth, fields and tokens limits with their names', async () => {
    // Tools' introspection (`__schema`) is not held to the depth limit.
    const nest = (depth: number, inner: string): string =>
      depth === 0 ? inner : `ofType { ${nest(depth - 1, inner)} }`;
    const introspection = await network.post(
      { query: `{ __schema { types { fields { type { ${nest(12, 'name')} } } } } }` },
      first,
    );
    expect(introspection.status).toBe(200);
    const nested = await network.post(
      { query: `{ __type(name: "Device") { fields { type { ${nest(12, 'name')} } } } }` },
      first,
    );
    expect([nested.status, code(nested), limit(nested)?.name]).toEqual([
      400,
      'QUERY_TOO_COMPLEX',
      'depth',
    ]);
    const wide = await network.post(
      {
        query: `{ device(id: "${network.devices[0] ?? ''}") { ${Array.from({ length: 1_600 }, () => 'model').join(' ')} } }`,
      },
      first,
    );
    expect([wide.status, code(wide), limit(wide)?.name]).toEqual([
      400,
      'QUERY_TOO_COMPLEX',
      'fields',
    ]);
    const long = await network.post(
      { query: `{ device(id: "${network.devices[0] ?? ''}") { ${'id '.repeat(20_000)} } }` },
      first,
    );
    expect([long.status, code(long), limit(long)]).toEqual([
      400,
      'QUERY_TOO_COMPLEX',
      { name: 'tokens', max: 15_000 },
    ]);
  });

  it('serves the next normal query of another application, resolved, recorded and charged', async () => {
    const reply = await network.post(
      { query: `{ devices(ids: ${JSON.stringify(network.devices.slice(0, 2))}) { model brand } }` },
      second.headers,
    );
    expect(reply.status).toBe(200);
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({
      devices: [
        { model: 'SV-100K', brand: 'Sunvolt' },
        { model: 'SV-101K', brand: 'Sunvolt' },
      ],
    });
    expect(await expectAccounted(network, reply)).toHaveLength(4);
  });
});

describe('a record the ledger refuses', () => {
  it('fails only its own query, releasing and charging nothing; the others of its batch are served', async () => {
    network.ledgerSwitch.refuseResolutionsOf.add(second.appId);
    try {
      const [mine, theirs, again] = await Promise.all([
        network.post(
          { query: `{ device(id: "${network.devices[1] ?? ''}") { model outputPowerW } }` },
          first,
        ),
        network.post(
          { query: `{ device(id: "${network.devices[1] ?? ''}") { model brand } }` },
          second.headers,
        ),
        network.post({ query: `{ device(id: "${network.devices[2] ?? ''}") { model } }` }, first),
      ]);
      expect([theirs.status, code(theirs), theirs.data]).toEqual([400, 'LEDGER_REJECTED', null]);
      expect(theirs.extensions?.gridmark?.charge).toMatchObject({ tradeId: null, amountFen: 0 });
      expect(theirs.extensions?.gridmark?.['values']).toEqual({});
      for (const reply of [mine, again]) {
        expect(reply.status).toBe(200);
        expect(reply.errors).toBeUndefined();
        expect((await expectAccounted(network, reply)).length).toBeGreaterThan(0);
      }
    } finally {
      network.ledgerSwitch.refuseResolutionsOf.delete(second.appId);
    }
    const after = await network.post(
      { query: `{ device(id: "${network.devices[3] ?? ''}") { brand } }` },
      second.headers,
    );
    expect(after.data).toEqual({ device: { brand: 'Sunvolt' } });
    await expectAccounted(network, after);
  });
});

describe('a ledger that is down', () => {
  it('makes /healthz say so, refuses to release, and does not hold the shutdown', async () => {
    const own = await startChargedNetwork();
    const { headers } = await own.application('alone', ['model']);
    const served = await own.post(
      { query: `{ device(id: "${own.devices[0] ?? ''}") { model } }` },
      headers,
    );
    expect(served.status).toBe(200);
    expect((await fetch(new URL('/healthz', own.url))).status).toBe(200);
    own.ledgerSwitch.writes = 'down';
    const refused = await own.post(
      { query: `{ device(id: "${own.devices[1] ?? ''}") { model } }` },
      headers,
    );
    expect([refused.status, code(refused), refused.data ?? null]).toEqual([
      503,
      'LEDGER_UNAVAILABLE',
      null,
    ]);
    const health = await fetch(new URL('/healthz', own.url));
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ledger: { resolutions: 'failing' } });
    const started = Date.now();
    const stopped = await Promise.race([
      own.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still stopping'), 10_000)),
    ]);
    expect(stopped).toBe('stopped');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 40_000);
});
