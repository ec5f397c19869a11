import { join } from 'node:path';
import Keyv from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { createEmbeddedLedger, type EmbeddedLedger } from '../embedded/index.js';
import { commitmentsOf, fieldsOf, tempDir } from '../testing/index.js';
import type { LedgerClient, LedgerEvent } from '../ledger-client.js';
import { createLedgerAdapter, type LedgerAdapter } from './index.js';

/** A client that counts the calls reaching the ledger and can be made to fail. */
function counting(
  inner: LedgerClient,
): LedgerClient & { calls: { transaction: string; args: readonly string[] }[]; failWith?: Error } {
  const wrapper = {
    calls: [] as { transaction: string; args: readonly string[] }[],
    failWith: undefined as Error | undefined,
    evaluate(transaction: string, args: readonly string[]) {
      wrapper.calls.push({ transaction, args });
      return wrapper.failWith
        ? Promise.reject(wrapper.failWith)
        : inner.evaluate(transaction, args);
    },
    submit(transaction: string, args: readonly string[]) {
      wrapper.calls.push({ transaction, args });
      return inner.submit(transaction, args);
    },
    events: (options: { startBlock?: bigint; signal?: AbortSignal }): AsyncIterable<LedgerEvent> =>
      inner.events(options),
    close: () => inner.close(),
  };
  return wrapper;
}

async function eventually(check: () => Promise<boolean>, withinMs = 1000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ledger adapter', () => {
  let cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });
  async function setup(options: { cache?: Keyv; callTimeoutMs?: number } = {}): Promise<{
    ledger: EmbeddedLedger;
    client: ReturnType<typeof counting>;
    adapter: LedgerAdapter;
  }> {
    const tmp = tempDir();
    const ledger = createEmbeddedLedger({ path: join(tmp.dir, 'ledger.db') });
    const client = counting(ledger);
    const adapter = await createLedgerAdapter(client, options);
    cleanup.push(tmp.remove, () => adapter.close());
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 2)]);
    await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 50)]);
    return { ledger, client, adapter };
  }
  const device = (n: number): string => `88.1001.1/PVM-${String(n).padStart(6, '0')}`;

  it('reads every anchor asked for in one tick with one GetAnchors call', async () => {
    const { client, adapter } = await setup();
    const anchors = await Promise.all(
      Array.from({ length: 40 }, (_, i) => adapter.getAnchor(device(i), '88.1001.3.F0001')),
    );
    expect(anchors.every((a) => a?.version === 1)).toBe(true);
    expect(client.calls.filter((c) => c.transaction === 'GetAnchors')).toHaveLength(1);
    expect(adapter.stats.evaluations).toBe(1);
  });

  it('answers a warm read with no ledger call, a missing anchor included', async () => {
    const { adapter } = await setup();
    const keys = [
      [device(1), '88.1001.3.F0001'],
      [device(999), '88.1001.3.F0001'],
    ] as const;
    expect((await adapter.getAnchors(keys)).map((a) => a?.version ?? null)).toEqual([1, null]);
    const before = adapter.stats.evaluations;
    expect((await adapter.getAnchors(keys)).map((a) => a?.version ?? null)).toEqual([1, null]);
    expect(adapter.stats.evaluations).toBe(before);
  });

  it("sees an anchor written by someone else within a second, through the ledger's events", async () => {
    const { ledger, adapter } = await setup();
    expect((await adapter.getAnchor(device(3), '88.1001.3.F0001'))?.version).toBe(1);
    await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 3, 1, 'b')]);
    await eventually(
      async () => (await adapter.getAnchor(device(3), '88.1001.3.F0001'))?.version === 2,
    );
    expect((await adapter.getAnchor(device(3), '88.1001.3.F0001'))?.commitment).toBe(
      'b'.repeat(64),
    );
  });

  it('sees a changed rule for every role that fell back to it', async () => {
    const { ledger, adapter } = await setup();
    const key = { applicationId: 'APP-1', function: 'om', role: 'engineer' };
    expect(await adapter.getParsingRule(key)).toBeNull();
    await ledger.submit('PutParsingRule', [
      JSON.stringify({
        applicationId: 'APP-1',
        function: 'om',
        role: '*',
        fieldCodes: ['88.1001.3.F0001'],
      }),
    ]);
    await eventually(async () => (await adapter.getParsingRule(key))?.role === '*');
    const warm = adapter.stats.evaluations;
    expect((await adapter.getParsingRule(key))?.fieldCodes).toEqual(['88.1001.3.F0001']);
    expect(adapter.stats.evaluations).toBe(warm);
    await adapter.putParsingRule({ ...key, fieldCodes: ['88.1001.3.F0002'] });
    expect((await adapter.getParsingRule(key))?.fieldCodes).toEqual(['88.1001.3.F0002']);
  });

  it("turns a contract refusal into LEDGER_REJECTED with the contract's code", async () => {
    const { adapter } = await setup();
    const error = await adapter
      .resolve({ applicationId: 'APP-1', function: 'om', role: 'engineer', deviceIds: [device(1)] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({ code: 'LEDGER_REJECTED', details: { contractCode: 'NO_RULE' } });
  });

  it('turns a transport failure into LEDGER_UNAVAILABLE, keeping the cause', async () => {
    const { client, adapter } = await setup();
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:7051'), { code: 14 });
    client.failWith = cause;
    const error = (await adapter
      .getAnchor(device(1), '88.1001.3.F0001')
      .catch((e: unknown) => e)) as GridmarkError;
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error.code).toBe('LEDGER_UNAVAILABLE');
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('10.0.0.9');
  });

  it('gives up on a ledger that does not answer within the deadline', async () => {
    const hanging: LedgerClient = {
      evaluate: () => new Promise(() => undefined),
      submit: () => new Promise(() => undefined),
      events: async function* () {
        yield* [];
        await new Promise(() => undefined);
      },
      close: () => Promise.resolve(),
    };
    const adapter = await createLedgerAdapter(hanging, { callTimeoutMs: 50 });
    await expect(adapter.getTamperReports('88.1001.3')).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
      message: expect.stringMatching(/within 50 ms/) as string,
    });
    await adapter.close();
  });

  it('hands out cached records that no caller can change', async () => {
    const { adapter } = await setup();
    await adapter.getAnchor(device(1), '88.1001.3.F0001');
    const cached = (await adapter.getAnchor(device(1), '88.1001.3.F0001')) as { version: number };
    expect(() => {
      cached.version = 99;
    }).toThrow(TypeError);
    expect((await adapter.getAnchor(device(1), '88.1001.3.F0001'))?.version).toBe(1);
  });

  it('switches the cache off when the event stream breaks, resumes after the last block it saw, and caches again', async () => {
    const tmp = tempDir();
    const ledger = createEmbeddedLedger({ path: join(tmp.dir, 'ledger.db') });
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 5)]);
    let subscriptions = 0;
    const starts: (bigint | undefined)[] = [];
    const warnings: string[] = [];
    const flaky: LedgerClient = {
      evaluate: (t, a) => ledger.evaluate(t, a),
      submit: (t, a) => ledger.submit(t, a),
      events: (options) => {
        subscriptions += 1;
        starts.push(options.startBlock);
        if (subscriptions !== 1) return ledger.events(options);
        // The first stream delivers one event, then breaks as if the peer had dropped it.
        return (async function* () {
          for await (const event of ledger.events(options)) {
            yield event;
            throw new Error('stream reset by peer');
          }
        })();
      },
      close: () => ledger.close(),
    };
    const adapter = await createLedgerAdapter(flaky, {
      logger: { debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) },
    });
    cleanup.push(tmp.remove, () => adapter.close());
    const broken = await ledger.submit('AnchorCommitments', [
      commitmentsOf('88.1001.3', 0, 1, 'c'),
    ]);
    await eventually(() => Promise.resolve(subscriptions >= 2), 3000);
    expect(
      warnings.some((w) => w.includes('stream reset by peer') && w.includes('cache off')),
    ).toBe(true);
    // It resumed right after the block of the last event it saw, so no change falls in the gap.
    expect(starts).toEqual([undefined, broken.blockNumber + 1n]);
    expect((await adapter.getAnchor(device(0), '88.1001.3.F0001'))?.version).toBe(2);
    // Live again: a change is seen, and a warm read costs nothing.
    await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 1, 'd')]);
    await eventually(
      async () => (await adapter.getAnchor(device(0), '88.1001.3.F0001'))?.version === 3,
    );
    await adapter.getAnchor(device(0), '88.1001.3.F0001');
    const warm = adapter.stats.evaluations;
    await adapter.getAnchor(device(0), '88.1001.3.F0001');
    expect(adapter.stats.evaluations).toBe(warm);
  });

  it('keeps its cache in any Keyv store handed to it', async () => {
    const store = new Map<string, unknown>();
    const { adapter } = await setup({ cache: new Keyv({ store, namespace: 'gm' }) });
    await adapter.getFields(['88.1001.3.F0001']);
    expect([...store.keys()].some((k) => k.includes('field:88.1001.3.F0001'))).toBe(true);
  });
});
