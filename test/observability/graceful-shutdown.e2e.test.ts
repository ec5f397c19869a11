import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObservedNetwork, type ObservedNetwork } from './observed-network.js';

/**
 * Stopping the gateway over real HTTP: a slow query in flight is answered in full, while
 * `/readyz` turns 503 at once and new queries are refused with `SHUTTING_DOWN`.
 */
const QUERY = 'query ($ids: [ID!]!) { devices(ids: $ids) { id model outputPowerW } }';
let network: ObservedNetwork;

beforeAll(async () => {
  network = await startObservedNetwork({ shutdownGraceMs: 10_000 });
}, 60_000);
afterAll(async () => {
  await network?.stop();
});

describe('graceful shutdown', () => {
  it('drains a slow query in flight and refuses new ones while it stops', async () => {
    expect((await fetch(new URL('/readyz', network.url))).status).toBe(200);
    network.delay.ms = 1_500;
    const slow = network.post({ query: QUERY, variables: { ids: network.devices } });
    // Let the query reach the slow system before the stop.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stoppedAt = Date.now();
    const stopping = network.stopGateway();

    const ready = await fetch(new URL('/readyz', network.url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, notReady: ['serving'] });
    const refused = await network.post({ query: QUERY, variables: { ids: network.devices } });
    expect(refused.status).toBe(503);
    expect(refused.json.errors?.[0]?.extensions?.['code']).toBe('SHUTTING_DOWN');

    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(answered.json.errors).toBeUndefined();
    expect(answered.json.data?.['devices']).toHaveLength(2);
    await stopping;
    // It waited for the query, not for the whole grace period.
    expect(Date.now() - stoppedAt).toBeLessThan(8_000);
    await expect(fetch(new URL('/readyz', network.url))).rejects.toThrow();
  }, 30_000);

  it('closes a query that outlasts the grace period, so that the stop ends', async () => {
    const short = await startObservedNetwork({ shutdownGraceMs: 300 });
    try {
      short.delay.ms = 5_000;
      const slow = short.post({ query: QUERY, variables: { ids: short.devices } }).then(
        (reply) => reply.status,
        (error: unknown) => (error instanceof Error ? error.name : 'failed'),
      );
      await new Promise((resolve) => setTimeout(resolve, 400));
      const stoppedAt = Date.now();
      await short.stopGateway();
      expect(Date.now() - stoppedAt).toBeLessThan(4_000);
      // The client sees its connection closed, not an answer.
      expect(await slow).toBe('TypeError');
    } finally {
      short.delay.ms = 0;
      await short.stop();
    }
  }, 60_000);
});
