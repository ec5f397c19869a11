import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    // Tests that start processes (the CLI, the demo, gridmark serve) take several seconds each on
    // a loaded 2-core machine; the deadline stops a hung test, not a slow one.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
