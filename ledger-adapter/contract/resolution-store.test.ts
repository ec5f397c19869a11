import { describe, expect, it } from 'vitest';
import type { TransactionInput } from '../contract-runtime.js';
import { createCompositeKey, createContractRunner, MemoryWorldState } from '../runtime/index.js';
import { canonicalJson } from './canonical-json.js';
import { RESOLUTION_BODY_TYPE, resolutionBodyHash } from './resolution-store.js';

const creator = { mspId: 'GridmarkMSP', certificatePem: 'node key' };
let counter = 0;
function input(transaction: string, argument: unknown): TransactionInput {
  counter += 1;
  return {
    transaction,
    args: [JSON.stringify(argument)],
    txId: `tx${counter}`,
    timestamp: new Date('2026-03-01T08:00:00.000Z'),
    creator,
  };
}
const text = (bytes: Uint8Array | null | undefined): string =>
  new TextDecoder().decode(bytes ?? new Uint8Array());
const devices = ['88.1001.1/PVI-000001', '88.1001.1/PVI-000002'];
const request = (id: string, deviceIds = devices, role = 'om-engineer'): unknown => ({
  resolutionId: id.repeat(64),
  applicationId: 'APP-0001',
  function: 'om',
  role,
  deviceIds,
});

async function ledgerWithRule(): Promise<{
  run: ReturnType<typeof createContractRunner>;
  state: MemoryWorldState;
}> {
  const run = createContractRunner();
  const state = new MemoryWorldState();
  let block = 0n;
  for (const [transaction, argument] of [
    [
      'RegisterFields',
      {
        systemCode: '88.1001.3',
        fields: [
          { fieldCode: '88.1001.3.F0001', coordinate: 'Device.outputPowerW', feeFen: 5 },
          { fieldCode: '88.1001.3.F0002', coordinate: 'Device.voltageV', feeFen: 2 },
        ],
      },
    ],
    [
      'PutCatalogEntries',
      {
        entries: devices.map((deviceId) => ({
          deviceId,
          holdings: [
            { systemCode: '88.1001.3', fieldCodes: ['88.1001.3.F0001', '88.1001.3.F0002'] },
          ],
        })),
      },
    ],
    [
      'PutParsingRule',
      {
        applicationId: 'APP-0001',
        function: 'om',
        role: '*',
        fieldCodes: ['88.1001.3.F0002', '88.1001.3.F0001'],
      },
    ],
  ] as const) {
    const outcome = await run(state, input(transaction, argument));
    expect(outcome.status).toBe('OK');
    block += 1n;
    state.apply(outcome.writes, { blockNumber: block, txNumber: 0 });
  }
  return { run, state };
}

describe('resolution storage', () => {
  it('writes one small record per resolution and each distinct body once', async () => {
    const { run, state } = await ledgerWithRule();
    const outcome = await run(
      state,
      input('ResolveBatch', {
        requests: [
          request('a'),
          request('b', devices, 'analyst'),
          request('c'),
          request('d', devices.slice(0, 1)),
        ],
      }),
    );
    expect(outcome.status).toBe('OK');
    const bodies = outcome.writes.filter((w) =>
      w.key.startsWith(createCompositeKey(RESOLUTION_BODY_TYPE, [])),
    );
    const records = outcome.writes.filter((w) =>
      w.key.startsWith(createCompositeKey('resolution', [])),
    );
    expect(records).toHaveLength(4);
    // a and c share a body; b (another role) and d (one device) have their own.
    expect(bodies).toHaveLength(3);
    const record = JSON.parse(text(records[0]?.value)) as Record<string, unknown>;
    expect(record).toEqual({
      b: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      t: '2026-03-01T08:00:00.000Z',
    });
    expect(JSON.parse(text(records[2]?.value))).toEqual(record);
    const body = bodies.find(
      (b) => b.key === createCompositeKey(RESOLUTION_BODY_TYPE, [record['b'] as string]),
    );
    expect(JSON.parse(text(body?.value))).toMatchObject({
      applicationId: 'APP-0001',
      function: 'om',
      role: 'om-engineer',
      totalFeeFen: 14,
    });
    expect(resolutionBodyHash(JSON.parse(text(body?.value)))).toBe(record['b']);
    expect(text(body?.value)).toBe(canonicalJson(JSON.parse(text(body?.value))));
  });

  it('does not write again a body the ledger already holds', async () => {
    const { run, state } = await ledgerWithRule();
    const first = await run(state, input('ResolveBatch', { requests: [request('a')] }));
    state.apply(first.writes, { blockNumber: 5n, txNumber: 0 });
    const second = await run(state, input('ResolveBatch', { requests: [request('b')] }));
    expect(second.writes.map((w) => w.key)).toEqual([
      createCompositeKey('resolution', ['b'.repeat(64)]),
    ]);
    state.apply(second.writes, { blockNumber: 6n, txNumber: 0 });
    const read = await run(state, input('GetResolution', 'b'.repeat(64)));
    expect(JSON.parse(text(read.payload))).toMatchObject({
      resolutionId: 'b'.repeat(64),
      role: 'om-engineer',
      totalFeeFen: 14,
      devices: [{ deviceId: devices[0] }, { deviceId: devices[1] }],
    });
  });

  it('returns the whole resolution from GetResolution, as Resolve returned it', async () => {
    const { run, state } = await ledgerWithRule();
    const resolved = await run(
      state,
      input('Resolve', {
        applicationId: 'APP-0001',
        function: 'om',
        role: 'om-engineer',
        deviceIds: devices,
      }),
    );
    state.apply(resolved.writes, { blockNumber: 9n, txNumber: 0 });
    const batch = await run(state, input('ResolveBatch', { requests: [request('e')] }));
    state.apply(batch.writes, { blockNumber: 10n, txNumber: 0 });
    const whole = JSON.parse(text(resolved.payload)) as {
      resolutionId: string;
      devices: unknown[];
    };
    expect(whole.devices).toHaveLength(2);
    const read = await run(state, input('GetResolution', whole.resolutionId));
    expect(JSON.parse(text(read.payload))).toEqual(whole);
    const fromBatch = await run(state, input('GetResolution', 'e'.repeat(64)));
    expect(JSON.parse(text(fromBatch.payload))).toEqual({ ...whole, resolutionId: 'e'.repeat(64) });
  });

  it('still reads a resolution stored whole, as records were before bodies were shared', async () => {
    const { run, state } = await ledgerWithRule();
    const whole = {
      resolutionId: 'f'.repeat(64),
      applicationId: 'APP-0001',
      function: 'om',
      role: '*',
      resolvedAt: '2026-01-01T00:00:00.000Z',
      devices: [{ deviceId: devices[0], fields: [] }],
      totalFeeFen: 0,
    };
    state.apply(
      [
        {
          key: createCompositeKey('resolution', [whole.resolutionId]),
          value: new TextEncoder().encode(canonicalJson(whole)),
        },
      ],
      { blockNumber: 20n, txNumber: 0 },
    );
    const read = await run(state, input('GetResolution', whole.resolutionId));
    expect(JSON.parse(text(read.payload))).toEqual(whole);
  });

  it('still reads a resolution whose record named its header and referenced a body of devices only', async () => {
    const { run, state } = await ledgerWithRule();
    const body = {
      devices: [
        {
          deviceId: devices[0],
          fields: [
            {
              fieldCode: '88.1001.3.F0001',
              systemCode: '88.1001.3',
              coordinate: 'Device.outputPowerW',
              feeFen: 5,
            },
          ],
        },
      ],
    };
    const hash = resolutionBodyHash(body);
    const header = {
      resolutionId: '9'.repeat(64),
      applicationId: 'APP-0001',
      function: 'om',
      role: 'om-engineer',
      resolvedAt: '2026-02-01T00:00:00.000Z',
      totalFeeFen: 5,
      body: hash,
    };
    const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(canonicalJson(value));
    state.apply(
      [
        { key: createCompositeKey(RESOLUTION_BODY_TYPE, [hash]), value: bytes(body) },
        { key: createCompositeKey('resolution', [header.resolutionId]), value: bytes(header) },
      ],
      { blockNumber: 21n, txNumber: 0 },
    );
    const read = await run(state, input('GetResolution', header.resolutionId));
    const { resolutionId, applicationId, role, resolvedAt, totalFeeFen } = header;
    expect(JSON.parse(text(read.payload))).toEqual({
      resolutionId,
      applicationId,
      function: 'om',
      role,
      resolvedAt,
      totalFeeFen,
      devices: body.devices,
    });
  });
});
