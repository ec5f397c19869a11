import { afterEach, describe, expect, it } from 'vitest';
import {
  openLedgerOutbox,
  type BatchedResolveInput,
  type LedgerOutbox,
  type OutboxLedger,
} from '../../ledger-adapter/index.js';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import { createResolutionRecorder } from './resolution-recorder.js';

const request = (
  n: number,
  deviceIds: readonly string[] = ['88.1001.1/INV-1'],
): BatchedResolveInput => ({
  resolutionId: `r${n}`,
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  deviceIds,
});
/** A ledger whose `ResolveBatch` refuses any batch holding a poisoned resolution, as the contract refuses malformed input. */
function fakeLedger(behaviour: { poisoned?: Set<string>; down?: boolean; hang?: boolean }) {
  const calls: string[][] = [];
  const ledger = {
    resolveBatch(requests: readonly BatchedResolveInput[]) {
      calls.push(requests.map((r) => r.resolutionId));
      if (behaviour.hang) return new Promise(() => undefined);
      if (behaviour.down) return Promise.reject(new GridmarkError('LEDGER_UNAVAILABLE', 'down'));
      if (requests.some((r) => behaviour.poisoned?.has(r.resolutionId)))
        return Promise.reject(
          new GridmarkError('LEDGER_REJECTED', 'refused', {
            details: { contractCode: 'INVALID_ARGUMENT' },
          }),
        );
      return Promise.resolve({ recorded: requests.map((r) => r.resolutionId), refused: [] });
    },
  } as unknown as OutboxLedger;
  return { ledger, calls };
}
const outcome = (p: Promise<void>) =>
  p.then(
    () => 'recorded',
    (e: unknown) => (e instanceof GridmarkError ? e.code : 'other'),
  );
const outboxes: LedgerOutbox[] = [];
const open = (ledger: OutboxLedger, stopTimeoutMs?: number): LedgerOutbox => {
  const outbox = openLedgerOutbox({
    ledger,
    logger: silentLogger,
    lingerMs: 1,
    ...(stopTimeoutMs === undefined ? {} : { stopTimeoutMs }),
  });
  outboxes.push(outbox);
  return outbox;
};
afterEach(async () => {
  for (const o of outboxes.splice(0)) await o.close();
});

describe('resolution recorder', () => {
  it('records the rest of a batch the ledger refuses, failing only the refused record', async () => {
    const { ledger, calls } = fakeLedger({ poisoned: new Set(['r3']) });
    const recorder = createResolutionRecorder(open(ledger));
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => outcome(recorder.enqueue(request(n)))),
    );
    expect(outcomes).toEqual(['recorded', 'recorded', 'LEDGER_REJECTED', 'recorded', 'recorded']);
    expect(recorder.healthy()).toBe(true);
    expect(await outcome(recorder.enqueue(request(6)))).toBe('recorded');
    expect(calls.flat().filter((id) => id === 'r3').length).toBeLessThan(5);
  });

  it('refuses, before it is appended, a record the contract would refuse', () => {
    const { ledger, calls } = fakeLedger({});
    const outbox = open(ledger);
    const recorder = createResolutionRecorder(outbox);
    const many = Array.from({ length: 501 }, (_, i) => `88.1001.1/X-${i}`);
    expect(() => recorder.enqueue(request(1, many))).toThrow(
      expect.objectContaining({ code: 'LEDGER_REJECTED' }),
    );
    expect(outbox.backlog).toBe(0);
    expect(calls).toEqual([]);
  });

  it('fails the waiting queries and new ones while the ledger is down, then records what waited', async () => {
    const behaviour = { down: true };
    const { ledger, calls } = fakeLedger(behaviour);
    const recorder = createResolutionRecorder(open(ledger));
    expect(await outcome(recorder.enqueue(request(1)))).toBe('LEDGER_UNAVAILABLE');
    expect(recorder.healthy()).toBe(false);
    expect(() => recorder.enqueue(request(2))).toThrow(
      expect.objectContaining({ code: 'LEDGER_UNAVAILABLE' }),
    );
    behaviour.down = false;
    const deadline = Date.now() + 3_000;
    while (!recorder.healthy() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recorder.healthy()).toBe(true);
    // The resolution of the failed query stayed in the outbox and reached the ledger when it came back.
    expect(calls.at(-1)).toContain('r1');
    expect(await outcome(recorder.enqueue(request(3)))).toBe('recorded');
  });

  it('closes within its deadline while the ledger hangs, failing what waits', async () => {
    const { ledger } = fakeLedger({ hang: true });
    const outbox = open(ledger, 200);
    const recorder = createResolutionRecorder(outbox);
    const waiting = outcome(recorder.enqueue(request(1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const flushed = outbox.flush(10_000).then(
      () => 'flushed',
      () => 'failed',
    );
    const started = Date.now();
    await outbox.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect([await waiting, await flushed]).toEqual(['LEDGER_UNAVAILABLE', 'failed']);
    expect(() => recorder.enqueue(request(2))).toThrow(
      expect.objectContaining({ code: 'LEDGER_UNAVAILABLE' }),
    );
  });
});
