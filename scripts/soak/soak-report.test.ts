import { describe, expect, it } from 'vitest';
import type { MemorySample } from './memory-sampler.js';
import { memoryTable, memoryVerdict } from './soak-report.js';

/** Samples every 5 s for `minutes`, the gateway's RSS given by `rss(t)` in MB. */
function series(minutes: number, rss: (t: number) => number): MemorySample[] {
  return Array.from({ length: (minutes * 60) / 5 + 1 }, (_, i) => ({
    t: i * 5,
    rss: { gateway: rss(i * 5) * 1e6, monitoring: 120e6 },
    gatewayHeapUsed: 100e6,
    gatewayHeapTotal: 150e6,
    gatewayExternal: 20e6,
    queriesPerSecond: 250,
    skipped: 0,
    failed: 0,
    p50Ms: 10,
    p99Ms: 40,
  }));
}

describe('memoryVerdict', () => {
  it('passes a gateway that levels off under 300 MB after five minutes', () => {
    const verdict = memoryVerdict(series(30, (t) => Math.min(250, 150 + t / 3)));
    expect(verdict).toMatchObject({
      ok: true,
      judged: true,
      levelBytes: 250e6,
      maxAfterBytes: 250e6,
    });
  });

  it('fails a gateway that keeps growing after five minutes', () => {
    const verdict = memoryVerdict(series(30, (t) => 150 + t / 20));
    expect(verdict.ok).toBe(false);
    expect(verdict.judged).toBe(true);
  });

  it('fails a gateway that holds still above 300 MB', () => {
    expect(memoryVerdict(series(30, () => 420)).ok).toBe(false);
  });

  it('does not judge a soak of five minutes or less', () => {
    expect(memoryVerdict(series(5, (t) => 150 + t)).judged).toBe(false);
  });
});

describe('memoryTable', () => {
  it('prints one row per interval and the last sample, each process in its column', () => {
    const lines = memoryTable(
      series(2, () => 200),
      30,
    );
    expect(lines[0]).toContain('gateway RSS MB');
    expect(lines[0]).toContain('monitoring RSS MB');
    // 0:00, 0:30, 1:00, 1:30 and 2:00.
    expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual([
      '| 0:00',
      '| 0:30',
      '| 1:00',
      '| 1:30',
      '| 2:00',
    ]);
    expect(lines[2]).toContain('| 200 | 100 / 150 | 20 | 120 |');
  });
});
