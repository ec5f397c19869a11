import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TransactionInput, TransactionOutcome } from '../contract-runtime.js';
import { createCompositeKey, createContractRunner, MemoryWorldState } from '../runtime/index.js';
import { ANCHOR_BATCH_TYPE } from './anchor-store.js';
import { canonicalJson } from './canonical-json.js';

const creator = { mspId: 'GridmarkMSP', certificatePem: 'node key' };
const text = (bytes: Uint8Array | null | undefined): string =>
  new TextDecoder().decode(bytes ?? new Uint8Array());
const device = (n: number): string => `88.1001.1/PVI-${String(n).padStart(6, '0')}`;

async function ledger(): Promise<{
  run: (transaction: string, argument: unknown, txId?: string) => Promise<TransactionOutcome>;
  state: MemoryWorldState;
}> {
  const runner = createContractRunner();
  const state = new MemoryWorldState();
  let block = 0n;
  let counter = 0;
  const run = async (
    transaction: string,
    argument: unknown,
    txId?: string,
  ): Promise<TransactionOutcome> => {
    counter += 1;
    const input: TransactionInput = {
      transaction,
      args: [typeof argument === 'string' ? argument : JSON.stringify(argument)],
      txId: txId ?? createHash('sha256').update(String(counter)).digest('hex'),
      timestamp: new Date(`2026-03-01T08:00:0${counter % 10}.000Z`),
      creator,
    };
    const outcome = await runner(state, input);
    if (outcome.status === 'OK')
      state.apply(outcome.writes, { blockNumber: (block += 1n), txNumber: 0 });
    return outcome;
  };
  await run('RegisterFields', {
    systemCode: '88.1001.3',
    fields: [
      {
        fieldCode: '88.1001.3.F0001',
        coordinate: 'Device.outputPowerW',
        feeFen: 5,
        changePolicy: 'release-unverified',
      },
      {
        fieldCode: '88.1001.3.F0002',
        coordinate: 'Device.voltageV',
        feeFen: 2,
        changePolicy: 'refuse',
      },
    ],
  });
  return { run, state };
}

const anchorsOf = async (
  run: Awaited<ReturnType<typeof ledger>>['run'],
  keys: [string, string][],
): Promise<unknown[]> => JSON.parse(text((await run('GetAnchors', keys)).payload)) as unknown[];

describe('anchor storage', () => {
  it('stores each anchor as its batch, commitment and version, and the batch once', async () => {
    const { run } = await ledger();
    const outcome = await run('AnchorCommitments', {
      systemCode: '88.1001.3',
      commitments: [1, 2, 3].map((n) => ({
        deviceId: device(n),
        fieldCode: '88.1001.3.F0001',
        commitment: String(n).repeat(64),
      })),
    });
    expect(outcome.status).toBe('OK');
    const txId = (JSON.parse(text(outcome.payload)) as { txId: string }).txId;
    const ref = txId.slice(0, 16);
    expect(outcome.writes.map((w) => [w.key, text(w.value)])).toEqual([
      [
        createCompositeKey(ANCHOR_BATCH_TYPE, [ref]),
        canonicalJson({ anchoredAt: '2026-03-01T08:00:02.000Z', txId }),
      ],
      ...[1, 2, 3].map((n) => [
        createCompositeKey('anchor', [device(n), '88.1001.3.F0001']),
        `{"b":"${ref}","c":"${String(n).repeat(64)}","v":1}`,
      ]),
    ]);
    // Each stored anchor is about 150 bytes with its key (it was about 340).
    for (const write of outcome.writes.slice(1))
      expect(write.key.length + (write.value?.length ?? 0)).toBeLessThanOrEqual(150);
  });

  it('returns whole anchors from GetAnchors, the latest version of each', async () => {
    const { run } = await ledger();
    const first = await run('AnchorCommitments', {
      systemCode: '88.1001.3',
      commitments: [
        { deviceId: device(1), fieldCode: '88.1001.3.F0001', commitment: 'a'.repeat(64) },
      ],
    });
    const second = await run('AnchorCommitments', {
      systemCode: '88.1001.3',
      commitments: [
        { deviceId: device(1), fieldCode: '88.1001.3.F0001', commitment: 'b'.repeat(64) },
        { deviceId: device(2), fieldCode: '88.1001.3.F0002', commitment: 'c'.repeat(64) },
      ],
    });
    const txOf = (o: TransactionOutcome): string =>
      (JSON.parse(text(o.payload)) as { txId: string }).txId;
    expect(txOf(first)).not.toBe(txOf(second));
    expect(
      await anchorsOf(run, [
        [device(1), '88.1001.3.F0001'],
        [device(2), '88.1001.3.F0002'],
        [device(3), '88.1001.3.F0001'],
      ]),
    ).toEqual([
      {
        deviceId: device(1),
        fieldCode: '88.1001.3.F0001',
        systemCode: '88.1001.3',
        commitment: 'b'.repeat(64),
        anchoredAt: '2026-03-01T08:00:03.000Z',
        txId: txOf(second),
        version: 2,
      },
      {
        deviceId: device(2),
        fieldCode: '88.1001.3.F0002',
        systemCode: '88.1001.3',
        commitment: 'c'.repeat(64),
        anchoredAt: '2026-03-01T08:00:03.000Z',
        txId: txOf(second),
        version: 1,
      },
      null,
    ]);
  });

  it('reads an anchor stored whole, as anchors were before, and counts on from its version', async () => {
    const { run, state } = await ledger();
    const whole = {
      deviceId: device(9),
      fieldCode: '88.1001.3.F0002',
      systemCode: '88.1001.3',
      commitment: 'd'.repeat(64),
      anchoredAt: '2026-01-01T00:00:00.000Z',
      txId: 'e'.repeat(64),
      version: 4,
    };
    state.apply(
      [
        {
          key: createCompositeKey('anchor', [whole.deviceId, whole.fieldCode]),
          value: new TextEncoder().encode(canonicalJson(whole)),
        },
      ],
      { blockNumber: 50n, txNumber: 0 },
    );
    expect(await anchorsOf(run, [[whole.deviceId, whole.fieldCode]])).toEqual([whole]);
    const replace = {
      systemCode: '88.1001.3',
      commitments: [
        { deviceId: whole.deviceId, fieldCode: whole.fieldCode, commitment: 'f'.repeat(64) },
      ],
    };
    // A refuse field: only a vouched batch replaces its anchor, whichever form the anchor is stored in.
    expect((await run('AnchorCommitments', replace)).message).toMatch(
      /^\[NOT_VOUCHED\].*version 4/,
    );
    expect((await run('AnchorCommitments', { ...replace, vouched: true })).status).toBe('OK');
    expect(await anchorsOf(run, [[whole.deviceId, whole.fieldCode]])).toMatchObject([
      { commitment: 'f'.repeat(64), version: 5 },
    ]);
  });

  it("refuses a batch whose reference another transaction's batch holds (CONFLICT), and anchors nothing of it", async () => {
    const { run } = await ledger();
    const batch = (commitment: string): unknown => ({
      systemCode: '88.1001.3',
      commitments: [{ deviceId: device(1), fieldCode: '88.1001.3.F0001', commitment }],
    });
    expect(
      (await run('AnchorCommitments', batch('a'.repeat(64)), `${'7'.repeat(16)}${'0'.repeat(48)}`))
        .status,
    ).toBe('OK');
    const clash = await run(
      'AnchorCommitments',
      batch('b'.repeat(64)),
      `${'7'.repeat(16)}${'1'.repeat(48)}`,
    );
    expect(clash.message).toMatch(/^\[CONFLICT\]/);
    expect(await anchorsOf(run, [[device(1), '88.1001.3.F0001']])).toMatchObject([
      { commitment: 'a'.repeat(64), version: 1 },
    ]);
  });
});
