import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import {
  expectAccounted,
  startChargedNetwork,
  type ChargedNetwork,
  type Reply,
} from './charged-network.js';

/**
 * A grant names devices and fields apart, so it cannot tie a field to a device: asked for the
 * SCADA's output of two devices, the SCADA system is granted both devices although the catalog
 * lists it as holding only the first. A system that serves (and anchors) a value for the other
 * device anyway must not see it released: the value is in no resolution and in no charge.
 */
let network: ChargedNetwork;
let headers: Readonly<Record<string, string>>;
let held: string;
let notHeld: string;

beforeAll(async () => {
  network = await startChargedNetwork({ deviceCount: 2, scadaHolds: 1 });
  [held = '', notHeld = ''] = network.devices;
  ({ headers } = await network.application('monitor', ['model', 'outputPowerW', 'events']));
}, 60_000);

afterAll(async () => {
  await network.stop();
});

const chargedPairs = (reply: Reply) =>
  (reply.extensions?.gridmark?.charge?.items ?? [])
    .flatMap((i) => i.fieldCodes.map((c) => `${i.deviceId} ${c}`))
    .sort();
const pair = (device: string, field: string) => `${device} ${network.codes.get(field) ?? ''}`;

describe('values outside the recorded resolution', () => {
  it('withholds a value a system serves and anchors for a device the catalog does not list it as holding, and charges nothing for it', async () => {
    // The premise: the SCADA system anchored a value for the device it does not hold.
    expect(
      await network.ledger.getAnchor(notHeld, network.codes.get('outputPowerW') ?? ''),
    ).not.toBeNull();
    const reply = await network.post(
      { query: `{ devices(ids: ["${held}", "${notHeld}"]) { id model outputPowerW } }` },
      headers,
    );
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({
      devices: [
        { id: held, model: 'SV-100K', outputPowerW: 1000 },
        { id: notHeld, model: 'SV-101K', outputPowerW: null },
      ],
    });
    expect(reply.errors).toEqual([
      expect.objectContaining({
        path: ['devices', 1, 'outputPowerW'],
        extensions: expect.objectContaining({
          code: 'UNVERIFIABLE',
          reason: 'NOT_IN_RESOLUTION',
          device: notHeld,
          field: 'outputPowerW',
        }) as unknown,
      }),
    ]);
    const line = readReceipt(reply.extensions?.gridmark).find(
      (v) => v.device === notHeld && v.field === 'outputPowerW',
    );
    expect(line).toMatchObject({ status: 'UNVERIFIABLE', salt: null, anchor: null });
    expect(line?.value).toBeUndefined();
    expect(chargedPairs(reply)).toEqual(
      [pair(held, 'model'), pair(held, 'outputPowerW'), pair(notHeld, 'model')].sort(),
    );
    const resolution = await network.recordedResolution(
      reply.extensions?.gridmark?.resolution?.id ?? '',
    );
    expect(
      resolution?.devices.find((d) => d.deviceId === notHeld)?.fields.map((f) => f.fieldCode),
    ).toEqual([network.codes.get('model')]);
    expect(await expectAccounted(network, reply)).toHaveLength(3);
  });

  it('withholds an object value (selected in part, under an alias) outside the resolution the same way', async () => {
    const reply = await network.post(
      {
        query: `query ($ids: [ID!]!) { devices(ids: $ids) { id log: events { code } } }`,
        variables: { ids: [held, notHeld] },
      },
      headers,
    );
    expect(reply.data).toEqual({
      devices: [
        { id: held, log: [{ code: 'GRID_SAG' }] },
        { id: notHeld, log: null },
      ],
    });
    expect(reply.errors?.map((e) => e.extensions?.['reason'])).toEqual(['NOT_IN_RESOLUTION']);
    expect(chargedPairs(reply)).toEqual([pair(held, 'events')]);
    await expectAccounted(network, reply);
  });
});
