import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccounted,
  startChargedNetwork,
  type ChargedNetwork,
  type Reply,
} from './charged-network.js';

/**
 * Device identifiers reach the gateway in every shape the executor accepts: as a variable's
 * default value, as a single value where a list is expected, inside fragments under aliases. Each
 * device fetched must be in the query's resolution, recorded on the ledger and charged; before,
 * a default value was not seen by the access check, and its values were released VERIFIED,
 * unrecorded and free.
 */
let network: ChargedNetwork;
let headers: Readonly<Record<string, string>>;

beforeAll(async () => {
  network = await startChargedNetwork();
  ({ headers } = await network.application('monitor', ['model', 'brand', 'outputPowerW']));
}, 60_000);

afterAll(async () => {
  await network.stop();
});

/** The devices and field codes a reply was charged for, as `device field-code` lines. */
const chargedPairs = (reply: Reply) =>
  (reply.extensions?.gridmark?.charge?.items ?? [])
    .flatMap((i) => i.fieldCodes.map((c) => `${i.deviceId} ${c}`))
    .sort();
const pair = (device: string | undefined, field: string) =>
  `${device ?? ''} ${network.codes.get(field) ?? ''}`;

describe('device identifiers the access check must see', () => {
  it("resolves, records and charges a device named only by a variable's default value", async () => {
    const [device] = network.devices;
    const reply = await network.post(
      { query: `query Defaulted($id: ID! = "${device ?? ''}") { device(id: $id) { model } }` },
      headers,
    );
    expect(reply.status).toBe(200);
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({ device: { model: 'SV-100K' } });
    expect(reply.extensions?.gridmark?.resolution?.id).toMatch(/^[0-9a-f]{64}$/);
    const resolution = await network.recordedResolution(
      reply.extensions?.gridmark?.resolution?.id ?? '',
    );
    expect(resolution?.devices.map((d) => d.deviceId)).toEqual([device]);
    expect(chargedPairs(reply)).toEqual([pair(device, 'model')]);
    expect((await expectAccounted(network, reply)).map((v) => v.status)).toEqual(['VERIFIED']);
  });

  it('resolves a list of defaults, and the value sent in place of a default', async () => {
    const [a, b, c] = network.devices;
    const query = `query ($ids: [ID!]! = ["${a ?? ''}", "${b ?? ''}"]) { devices(ids: $ids) { brand } }`;
    const defaulted = await network.post({ query }, headers);
    expect(chargedPairs(defaulted)).toEqual([pair(a, 'brand'), pair(b, 'brand')]);
    await expectAccounted(network, defaulted);
    const sent = await network.post({ query, variables: { ids: [c] } }, headers);
    expect(chargedPairs(sent)).toEqual([pair(c, 'brand')]);
    await expectAccounted(network, sent);
  });

  it('resolves a single identifier where a list is expected, as a literal and as a variable', async () => {
    const [, b, c] = network.devices;
    const literal = await network.post(
      { query: `{ devices(ids: "${b ?? ''}") { model } }` },
      headers,
    );
    expect(literal.data).toEqual({ devices: [{ model: 'SV-101K' }] });
    expect(chargedPairs(literal)).toEqual([pair(b, 'model')]);
    await expectAccounted(network, literal);
    const variable = await network.post(
      { query: 'query ($ids: [ID!]!) { devices(ids: $ids) { model } }', variables: { ids: c } },
      headers,
    );
    expect(variable.data).toEqual({ devices: [{ model: 'SV-102K' }] });
    expect(chargedPairs(variable)).toEqual([pair(c, 'model')]);
    await expectAccounted(network, variable);
  });

  it('resolves defaults used inside fragments on Query, under aliases', async () => {
    const [a, b, , d] = network.devices;
    const query = `
      query Mixed($one: ID! = "${a ?? ''}", $many: [ID!]! = "${d ?? ''}", $show: Boolean! = true) {
        ...Roots
        other: device(id: "${b ?? ''}") { m: model }
      }
      fragment Roots on Query {
        first: device(id: $one) { power: outputPowerW ... on Device @include(if: $show) { brand } }
        ... on Query { rest: devices(ids: $many) { ...Maker } }
      }
      fragment Maker on Device { label: model }`;
    const reply = await network.post({ query }, headers);
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({
      first: { power: 1000, brand: 'Sunvolt' },
      rest: [{ label: 'SV-103K' }],
      other: { m: 'SV-101K' },
    });
    expect(chargedPairs(reply)).toEqual(
      [pair(a, 'brand'), pair(a, 'outputPowerW'), pair(b, 'model'), pair(d, 'model')].sort(),
    );
    const resolution = await network.recordedResolution(
      reply.extensions?.gridmark?.resolution?.id ?? '',
    );
    expect(resolution?.devices.map((x) => x.deviceId).sort()).toEqual([a, b, d].sort());
    expect(await expectAccounted(network, reply)).toHaveLength(4);
  });

  it('refuses variables that do not coerce with 400 BAD_INPUT before anything is resolved, recorded or charged', async () => {
    const [a, b] = network.devices;
    const cases: readonly {
      readonly query: string;
      readonly variables: Record<string, unknown>;
    }[] = [
      // A variable that names no device fails, beside one that names a device well.
      {
        query:
          'query ($ids: [ID!]!, $show: Boolean!) { devices(ids: $ids) { model @include(if: $show) } }',
        variables: { ids: [a], show: 'yes' },
      },
      {
        query: 'query ($ids: [ID!]!) { devices(ids: $ids) { model } }',
        variables: { ids: [a, null] },
      },
      {
        query: 'query ($ids: [ID!]!) { devices(ids: $ids) { model } }',
        variables: { ids: [a, { id: b }] },
      },
      {
        query: `query ($id: ID! = "${a ?? ''}", $n: Boolean! = false) { device(id: $id) { model @skip(if: $n) } }`,
        variables: { n: 1 },
      },
      { query: 'query ($id: ID!) { device(id: $id) { model } }', variables: {} },
    ];
    for (const { query, variables } of cases) {
      const before = await settledSubmissions();
      const reply = await network.post({ query, variables }, headers);
      // Nothing reached the ledger: no resolution was queued, recorded or charged.
      expect(await settledSubmissions()).toBe(before);
      expect(reply.extensions?.gridmark).toBeUndefined();
      expect(reply.status).toBe(400);
      expect(reply.data ?? null).toBeNull();
      expect(reply.errors).toEqual([
        {
          message: expect.stringMatching(/^Variable "\$\w+"/) as unknown,
          extensions: { code: 'BAD_INPUT' },
        },
      ]);
    }
  });
});

/** The ledger's transaction count once nothing has been submitted for a moment (resolutions and trades are recorded in batches). */
async function settledSubmissions(): Promise<number> {
  let last = network.ledger.stats.submissions;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const now = network.ledger.stats.submissions;
    if (now === last) return now;
    last = now;
  }
}
