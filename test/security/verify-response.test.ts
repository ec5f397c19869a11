import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGridmark, type GridmarkRun } from '../fixtures/gridmark-cli.js';
import {
  startAnchoredNetwork,
  type AnchoredNetwork,
  type GraphqlBody,
} from '../fixtures/anchored-network.js';

/**
 * `gridmark verify`, run as an application's auditor runs it, over a response saved from a real
 * gateway: every value the response's data holds must be the one its receipt states and the
 * ledger vouches for, however large the response.
 */
let network: AnchoredNetwork;
let saved = 0;

/** Saves a body (and, when given, the request) to files and runs `gridmark verify` on them. */
async function verify(body: unknown, request?: unknown): Promise<GridmarkRun> {
  saved += 1;
  const file = join(network.dir, `response-${saved}.json`);
  writeFileSync(file, JSON.stringify(body));
  const args = ['verify', file];
  if (request !== undefined) {
    const queryFile = join(network.dir, `request-${saved}.json`);
    writeFileSync(queryFile, typeof request === 'string' ? request : JSON.stringify(request));
    args.push('--query', queryFile);
  }
  return runGridmark(network.registryUrl, args);
}

/** Queries the gateway as the application and waits until its resolution is on the ledger. */
async function received(request: {
  query: string;
  variables?: Record<string, unknown>;
}): Promise<GraphqlBody & { data: Record<string, unknown> }> {
  const { status, json } = await network.post(request);
  expect(status, JSON.stringify(json.errors)).toBe(200);
  expect(json.errors).toBeUndefined();
  const id = (json.extensions?.gridmark?.['resolution'] as { id: string }).id;
  const deadline = Date.now() + 5_000;
  while ((await network.ledger.getResolution(id)) === null && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return json as GraphqlBody & { data: Record<string, unknown> };
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

beforeAll(async () => {
  network = await startAnchoredNetwork({ deviceCount: 210 });
}, 120_000);

afterAll(async () => {
  await network.stop();
});

describe('gridmark verify', () => {
  it('proves an untouched response, and refuses one whose data was edited, naming the value', async () => {
    const [first, second] = network.devices;
    const r = await received({
      query: `{ devices(ids: ["${first}", "${second}"]) { id model ratedPowerW events { code } } }`,
    });
    const proof = await verify(r);
    expect(proof.code, proof.stdout + proof.stderr).toBe(0);
    expect(proof.stdout).toContain('6 values proven; 6 values in data match their receipt');
    const edited = copy(r);
    ((edited.data['devices'] as Record<string, unknown>[])[1] as Record<string, unknown>)[
      'ratedPowerW'
    ] = 999_999;
    const disproof = await verify(edited);
    expect(disproof.code).toBe(8);
    expect(disproof.stdout).toMatch(
      new RegExp(`ALTERED +${second} ratedPowerW +data\\.devices\\[1\\]\\.ratedPowerW`),
    );
    expect(disproof.stderr).toContain('TAMPERED');
  }, 90_000);

  it('catches an edit inside a partial selection of an object value', async () => {
    const r = await received({
      query: `{ device(id: "${network.devices[2]}") { id events { code note } } }`,
    });
    expect((await verify(r)).code).toBe(0);
    const edited = copy(r);
    (
      (edited.data['device'] as { events: Record<string, unknown>[] }).events[0] as Record<
        string,
        unknown
      >
    )['note'] = 'never happened';
    const disproof = await verify(edited);
    expect(disproof.code).toBe(8);
    expect(disproof.stdout).toMatch(
      /ALTERED +88\.1001\.1\/INV-3 events +data\.device\.events\[0\]\.note/,
    );
  }, 90_000);

  it('reads aliases through the request sent, and catches an edit under an alias', async () => {
    const request = {
      query:
        'query ($a: ID!, $b: ID! = "88.1001.1/INV-5") { one: device(id: $a) { m: model e: events { code } } two: device(id: $b) { m: brand } }',
      variables: { a: network.devices[3] },
    };
    const r = await received(request);
    expect(r.data).toEqual({
      one: { m: expect.any(String) as unknown, e: [{ code: 'GRID_SAG' }] },
      two: { m: 'Sunvolt' },
    });
    const proof = await verify(r, request);
    expect(proof.code, proof.stdout + proof.stderr).toBe(0);
    expect(proof.stdout).toContain('3 values in data match their receipt');
    const edited = copy(r);
    (edited.data['one'] as Record<string, unknown>)['m'] = 'SV-999K';
    const disproof = await verify(edited, request);
    expect(disproof.code).toBe(8);
    expect(disproof.stdout).toMatch(/ALTERED +88\.1001\.1\/INV-4 model +data\.one\.m/);
    const nested = copy(r);
    ((nested.data['one'] as { e: Record<string, unknown>[] }).e[0] as Record<string, unknown>)[
      'code'
    ] = 'ALL_CLEAR';
    expect((await verify(nested, request)).stdout).toMatch(
      /ALTERED +88\.1001\.1\/INV-4 events +data\.one\.e\[0\]\.code/,
    );
    // Swapping two aliased values is an edit too, once the request says what each alias is.
    const swapped = copy(r);
    (swapped.data['two'] as Record<string, unknown>)['m'] = (
      r.data['one'] as Record<string, unknown>
    )['m'];
    expect((await verify(swapped, request)).stdout).toMatch(
      /ALTERED +88\.1001\.1\/INV-5 brand +data\.two\.m/,
    );
  }, 90_000);

  it('does not vouch for aliased values it cannot map without the request', async () => {
    const request = `{ device(id: "${network.devices[6]}") { id maker: brand } }`;
    const r = await received({ query: request });
    const unmapped = await verify(r);
    expect(unmapped.code).toBe(8);
    expect(unmapped.stdout).toMatch(
      /UNCHECKED +88\.1001\.1\/INV-7 maker +data\.device\.maker: .*--query/,
    );
    expect((await verify(r, request)).code).toBe(0);
  }, 90_000);

  it('reports values that data holds and no receipt vouches for', async () => {
    const r = await received({ query: `{ device(id: "${network.devices[7]}") { id model } }` });
    const padded = copy(r);
    (padded.data['device'] as Record<string, unknown>)['brand'] = 'Sunvolt';
    padded.data['note'] = 'certified';
    const run = await verify(padded, `{ device(id: "${network.devices[7]}") { id model brand } }`);
    expect(run.code).toBe(8);
    expect(run.stdout).toMatch(/NOT_IN_RECEIPT +88\.1001\.1\/INV-8 brand/);
    expect(run.stdout).toMatch(/NOT_IN_RECEIPT +\(device unknown\) - +data\.note/);
  }, 90_000);

  it('verifies a response of more than 1,000 values in full', async () => {
    const request = {
      query:
        'query ($ids: [ID!]!) { devices(ids: $ids) { id model brand ratedPowerW outputPowerW online events { at code note } } }',
      variables: { ids: network.devices },
    };
    const r = await received(request);
    expect(r.data['devices']).toHaveLength(210);
    const proof = await verify(r, request);
    expect(proof.code, proof.stderr).toBe(0);
    expect(proof.stdout).toContain('1260 values proven; 1260 values in data match their receipt');
    const edited = copy(r);
    const last = (edited.data['devices'] as Record<string, unknown>[])[209] as Record<
      string,
      unknown
    >;
    last['online'] = !last['online'];
    const disproof = await verify(edited, request);
    expect(disproof.code).toBe(8);
    expect(disproof.stdout).toMatch(/ALTERED +88\.1001\.1\/INV-210 online/);
  }, 90_000);
});
