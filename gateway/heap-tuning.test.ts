import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TUNING = fileURLToPath(new URL('./heap-tuning.ts', import.meta.url));

/**
 * A process holding about 60 MB of live objects while it allocates fast, as a gateway under load
 * does; prints the largest heap it reserved, in bytes.
 */
const WORKLOAD = `
  const tune = process.argv[1] === 'tuned';
  if (tune) (await import(${JSON.stringify(TUNING)})).tuneHeapForService();
  const live = [];
  for (let i = 0; i < 400_000; i++) live.push({ a: 'x' + i, b: [i, i + 1], c: { d: i } });
  const ring = new Array(150_000);
  let largest = 0;
  for (let r = 0; r < 4_000_000; r++) {
    ring[r % ring.length] = { s: 'y' + r, n: [r, r] };
    if (r % 50_000 === 0) largest = Math.max(largest, process.memoryUsage().heapTotal);
  }
  console.log(largest, live.length > 0);
`;

function largestHeap(mode: 'tuned' | 'default'): number {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', WORKLOAD, mode],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return Number(out.split(' ')[0]);
}

describe('heap tuning for a long-running gateway', () => {
  it('keeps the heap of a process that allocates fast much closer to what it holds', () => {
    const tuned = largestHeap('tuned');
    const untuned = largestHeap('default');
    expect(tuned).toBeGreaterThan(0);
    expect(tuned).toBeLessThan(untuned * 0.85);
  }, 240_000);
});
