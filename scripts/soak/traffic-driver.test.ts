import { describe, expect, it } from 'vitest';
import type { OperationKind, OperationOutcome } from './soak-operations.js';
import { TrafficDriver } from './traffic-driver.js';

describe('TrafficDriver', () => {
  it('skips and counts what falls due while as many requests as allowed are waiting', async () => {
    const waiting: ((outcome: OperationOutcome) => void)[] = [];
    const driver = new TrafficDriver(() => new Promise((resolve) => waiting.push(resolve)), 5);
    // The answers come every 50 ms, all at once: in between, what falls due beyond five is skipped.
    const answer = setInterval(() => {
      for (const resolve of waiting.splice(0)) resolve({ ok: true, charged: true });
    }, 50);
    try {
      await driver.run({ single: 1_000 }, 200);
    } finally {
      clearInterval(answer);
    }
    const { counts } = driver.totals();
    expect(counts.single.scheduled).toBeGreaterThan(5);
    expect(counts.single.ok + counts.single.failed + counts.single.skipped).toBe(
      counts.single.scheduled,
    );
    expect(counts.single.skipped).toBeGreaterThan(0);
    expect(counts.single.charged).toBe(counts.single.ok);
  });

  it('sends each kind of the mix and counts failures with their reason', async () => {
    const sent: OperationKind[] = [];
    const driver = new TrafficDriver((kind) => {
      sent.push(kind);
      return Promise.resolve(
        kind === 'quote'
          ? { ok: false, charged: false, failure: 'status 503' }
          : { ok: true, charged: kind === 'single' },
      );
    }, 64);
    await driver.run({ single: 100, quote: 100 }, 100);
    const window = driver.window();
    expect(new Set(sent)).toEqual(new Set(['single', 'quote']));
    expect(window.counts.quote.failed).toBe(sent.filter((k) => k === 'quote').length);
    expect(window.failures[0]).toBe('quote: status 503');
    expect(window.counts.single.charged).toBe(sent.filter((k) => k === 'single').length);
    // A window hands out what happened since the last one; totals are a copy that later traffic leaves alone.
    expect(driver.window().counts.single.ok).toBe(0);
    const totals = driver.totals();
    const okBefore = totals.counts.single.ok;
    await driver.run({ single: 100 }, 50);
    expect(driver.totals().counts.single.ok).toBeGreaterThan(okBefore);
    expect(totals.counts.single.ok).toBe(okBefore);
  });
});
