import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Orders test files so that the longest start first. With two or more workers, a long file
 * that starts last decides when the run ends; started first, it runs beside the short ones.
 *
 * A file's expected duration is, in order: what vitest's own cache measured on this machine,
 * what `.ci/test-durations.json` recorded (a clean clone has no cache), or a guess from its name
 * (end-to-end tests start processes and take longest). The order changes only when files run,
 * never which files run or what they assert.
 */
export class SlowFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const recorded = readRecordedDurations(root);
    const expected = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return cached?.duration ?? recorded.get(path) ?? guessDuration(path);
    };
    const weights = new Map(files.map((spec) => [spec, expected(spec)]));
    return Promise.resolve(
      [...files].sort((a, b) => (weights.get(b) ?? 0) - (weights.get(a) ?? 0)),
    );
  }
}

/** Milliseconds per file from `.ci/test-durations.json` (`{ "files": { path: ms } }`), if any. */
function readRecordedDurations(root: string): Map<string, number> {
  const file = join(root, '.ci/test-durations.json');
  if (!existsSync(file)) return new Map();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { files?: Record<string, unknown> };
    return new Map(
      Object.entries(parsed.files ?? {}).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number',
      ),
    );
  } catch {
    // Only an ordering hint: a damaged file orders by name instead of stopping the run.
    return new Map();
  }
}

/** A new file's expected milliseconds, from the kind of test its name says it is. */
function guessDuration(path: string): number {
  if (/\.e2e\.test\.ts$/.test(path)) return 30_000;
  if (path.startsWith('test/')) return 10_000;
  return 2_000;
}
