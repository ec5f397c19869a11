/**
 * `npm run bench`: runs every benchmark (or those named) and prints their reports.
 *
 *   npm run bench [-- <name> ...] [--quick]
 */
import { parseArgs } from 'node:util';
import type { Benchmark } from './benchmark.js';

async function loadBenchmarks(): Promise<readonly Benchmark[]> {
  const modules = await Promise.all([
    import('./registry-bench.js'),
    import('./ledger-bench.js'),
    import('./gateway-bench.js'),
    import('./trades-bench.js'),
    // Areas add their benchmark modules here, e.g. import('./ledger-bench.js').
  ] as Promise<{ readonly benchmarks: readonly Benchmark[] }>[]);
  return modules.flatMap((m) => m.benchmarks);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { quick: { type: 'boolean', default: false } },
  });
  const all = await loadBenchmarks();
  const chosen = positionals.length === 0 ? all : all.filter((b) => positionals.includes(b.name));
  if (chosen.length === 0) {
    process.stderr.write(
      `no benchmark named ${positionals.join(', ')}; have: ${all.map((b) => b.name).join(', ') || 'none'}\n`,
    );
    process.exitCode = 2;
    return;
  }
  for (const benchmark of chosen) {
    process.stdout.write(`\n## ${benchmark.name}: ${benchmark.summary}\n\n`);
    const lines = await benchmark.run({
      quick: values.quick,
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
