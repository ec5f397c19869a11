import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    // Tests that start processes (the CLI, the demo, gridmark serve) take several seconds each on
    // a loaded 2-core machine; the deadline stops a hung test, not a slow one.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default on 2 cores is one worker, so a file waiting on a process or a socket
    // leaves a core idle. Two files at a time keep both busy; GRIDMARK_TEST_WORKERS overrides it.
    maxWorkers: Number(process.env['GRIDMARK_TEST_WORKERS'] ?? 2) || 2,
    // The longest files first, so that none of them starts last and decides when the run ends.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
