import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import {
  expectAccounted,
  startChargedNetwork,
  type ChargedNetwork,
  type Reply,
} from './charged-network.js';

/**
 * A query names a device that one of the systems whose fields it selects does not hold (the
 * catalog lists only the maker system for it): the query's resolution gives that system nothing
 * of the device, so the gateway asks it nothing and its fields are null, with no error, whether
 * the query runs alone or among many at once. The SCADA system here serves a value for every
 * device whatever the catalog says: had it been asked, its value would show as withheld.
 */
let network: ChargedNetwork;
let headers: Readonly<Record<string, string>>;
let held: string;
let notHeld: string;

beforeAll(async () => {
  network = await startChargedNetwork({ deviceCount: 2, scadaHolds: 1 });
  [held = '', notHeld = ''] = network.devices;
  ({ headers } = await network.application('unheld', ['model', 'outputPowerW', 'events']));
}, 60_000);

afterAll(async () => {
  await network.stop();
});

const query = (id: string) => ({
  query: `{ device(id: "${id}") { id model outputPowerW events { code } } }`,
});
const chargedPairs = (reply: Reply) =>
  (reply.extensions?.gridmark?.charge?.items ?? [])
    .flatMap((i) => i.fieldCodes.map((c) => `${i.deviceId} ${c}`))
    .sort();
const pair = (device: string, field: string) => `${device} ${network.codes.get(field) ?? ''}`;

/** What the answer for `id` must be: the held device in full, the other with SCADA's fields null. */
async function expectAnswer(id: string, reply: Reply): Promise<void> {
  expect(reply.status).toBe(200);
  expect(reply.errors).toBeUndefined();
  if (id === held) {
    expect(reply.data).toEqual({
      device: { id, model: 'SV-100K', outputPowerW: 1000, events: [{ code: 'GRID_SAG' }] },
    });
    expect(chargedPairs(reply)).toEqual(
      [pair(id, 'model'), pair(id, 'outputPowerW'), pair(id, 'events')].sort(),
    );
  } else {
    expect(reply.data).toEqual({
      device: { id, model: 'SV-101K', outputPowerW: null, events: null },
    });
    expect(chargedPairs(reply)).toEqual([pair(id, 'model')]);
  }
  const receipt = readReceipt(reply.extensions?.gridmark);
  expect(receipt.every((v) => v.status === 'VERIFIED')).toBe(true);
  expect(receipt.some((v) => v.device === notHeld && v.field !== 'model')).toBe(false);
  await expectAccounted(network, reply);
}

describe('devices a selected system does not hold', () => {
  it('answers the fields of a system that does not hold the one device asked with null and no error, and asks that system nothing', async () => {
    const reply = await network.post(query(notHeld), headers);
    await expectAnswer(notHeld, reply);
    const only = await network.post(
      { query: `{ device(id: "${notHeld}") { outputPowerW } }` },
      headers,
    );
    expect(only.errors).toBeUndefined();
    expect(only.data).toEqual({ device: { outputPowerW: null } });
    expect(chargedPairs(only)).toEqual([]);
  });

  it('answers every one of many concurrent queries, identical or not, for held and unheld devices alike', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? held : notHeld));
    const replies = await Promise.all(ids.map((id) => network.post(query(id), headers)));
    for (const [i, reply] of replies.entries()) await expectAnswer(ids[i] ?? '', reply);
  }, 30_000);

  it('still never releases what the resolution does not cover when a system is asked about both devices', async () => {
    const reply = await network.post(
      { query: `{ devices(ids: ["${held}", "${notHeld}"]) { id outputPowerW } }` },
      headers,
    );
    expect(reply.data).toEqual({
      devices: [
        { id: held, outputPowerW: 1000 },
        { id: notHeld, outputPowerW: null },
      ],
    });
    expect(reply.errors?.map((e) => e.extensions?.['reason'])).toEqual(['NOT_IN_RESOLUTION']);
    expect(chargedPairs(reply)).toEqual([pair(held, 'outputPowerW')]);
    await expectAccounted(network, reply);
  });
});
