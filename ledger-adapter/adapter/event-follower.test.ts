import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/index.js';
import type { LedgerClient, LedgerEvent } from '../ledger-client.js';
import { EventFollower } from './event-follower.js';
import { ReadCache } from './read-cache.js';

// A garbage collector to call, so the test can see what is still held.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A client whose event stream hands out `count` events, then waits for the abort. */
function clientWithEvents(
  count: number,
  seen: WeakRef<LedgerEvent>[],
): LedgerClient & { readonly delivered: Promise<void> } {
  let delivered!: () => void;
  const done = new Promise<void>((resolve) => (delivered = resolve));
  return {
    delivered: done,
    evaluate: () => Promise.reject(new Error('not used')),
    submit: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
    async *events({ signal }) {
      for (let i = 0; i < count; i++) {
        const event: LedgerEvent = {
          name: 'TradesRecorded',
          payload: new TextEncoder().encode(`{"n":${i}}`),
          txId: `tx${i}`,
          blockNumber: BigInt(i + 1),
        };
        seen.push(new WeakRef(event));
        yield event;
      }
      delivered();
      await new Promise<void>((resolve) =>
        signal?.addEventListener('abort', () => resolve(), { once: true }),
      );
    },
  };
}

describe('EventFollower', () => {
  it('keeps no more than the last events it handled while it goes on following', async () => {
    const seen: WeakRef<LedgerEvent>[] = [];
    const client = clientWithEvents(2_000, seen);
    const follower = new EventFollower(client, new ReadCache(undefined, undefined), silentLogger);
    await follower.start();
    await client.delivered;
    // Let the follower take the last event, then collect.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    const held = seen.filter((ref) => ref.deref() !== undefined).length;
    await follower.stop();
    // The stream's and the follower's own variables may still point at the last one or two.
    expect(held).toBeLessThanOrEqual(2);
  });

  it('stops promptly even when the stream ignores the abort', async () => {
    const client: LedgerClient = {
      evaluate: () => Promise.reject(new Error('not used')),
      submit: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
      events: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<LedgerEvent>>(() => undefined),
        }),
      }),
    };
    const follower = new EventFollower(client, new ReadCache(undefined, undefined), silentLogger);
    await follower.start();
    await expect(follower.stop()).resolves.toBeUndefined();
  });
});
