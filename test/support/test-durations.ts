/**
 * Reads vitest's JSON report (`vitest run --reporter=json --outputFile=<report>`) and prints the
 * slowest test files with their wall time, and the sum over all files.
 *
 *   node --import tsx test/support/test-durations.ts <report.json> [top N, default 20] [--record]
 *
 * With `--record` it also writes `.ci/test-durations.json`, the durations by which the test
 * sequencer (`slow-first-sequencer.ts`) orders a clean clone's run: slowest first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface JsonReport {
  readonly testResults: readonly {
    readonly name: string;
    readonly startTime: number;
    readonly endTime: number;
    readonly status: string;
    readonly assertionResults: readonly unknown[];
  }[];
}

interface FileDuration {
  readonly file: string;
  readonly ms: number;
  readonly status: string;
  readonly tests: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECORD = new URL('../../.ci/test-durations.json', import.meta.url);

/** Every file of the report, slowest first. */
function fileDurations(report: JsonReport): FileDuration[] {
  return report.testResults
    .map((result) => ({
      file: relative(ROOT, result.name),
      ms: Math.max(0, result.endTime - result.startTime),
      status: result.status,
      tests: result.assertionResults.length,
    }))
    .sort((a, b) => b.ms - a.ms);
}

function main(): void {
  const [reportFile, topArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  if (!reportFile) {
    process.stderr.write('usage: test-durations.ts <report.json> [N] [--record]\n');
    process.exitCode = 2;
    return;
  }
  const files = fileDurations(JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport);
  const total = files.reduce((sum, f) => sum + f.ms, 0);
  const lines = [`${files.length} files, ${(total / 1000).toFixed(0)} s summed over files`];
  for (const f of files.slice(0, Number(topArg ?? 20))) {
    const seconds = (f.ms / 1000).toFixed(1).padStart(7);
    lines.push(
      `${seconds} s  ${f.status.padEnd(6)} ${String(f.tests).padStart(3)} tests  ${f.file}`,
    );
  }
  if (process.argv.includes('--record')) {
    const byName = [...files].sort((a, b) => a.file.localeCompare(b.file));
    const recorded = Object.fromEntries(byName.map((f) => [f.file, f.ms]));
    writeFileSync(RECORD, `${JSON.stringify({ files: recorded }, null, 2)}\n`);
    lines.push(`recorded ${files.length} durations in ${fileURLToPath(RECORD)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
