import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What `npm run build` (tsc -b tsconfig.build.json) compiles, and the file it writes last. */
const BUILT_FROM = ['gateway', 'subgraphs', 'ledger-adapter', 'schema', 'scripts'];
const BUILD_INFO = join(ROOT, 'dist/.tsbuildinfo');

let current: boolean | undefined;

/**
 * Whether `dist/` holds the sources as they are: it was built after the last change to any
 * TypeScript file, or the build settings, it is compiled from. `npm test` builds first, so in a
 * test run it is; a file run alone after an edit without `npm run build` is not.
 */
export function isBuildCurrent(): boolean {
  current ??= newestSourceChange() <= modifiedAt(BUILD_INFO);
  return current;
}

/**
 * Node's arguments that run `gridmark <args>`: the compiled CLI (`dist/scripts/gridmark.js`,
 * as the installed package runs it) when the build is current, else the sources through tsx.
 * Both run the same code; the compiled one starts in about two thirds of the CPU time, which
 * counts in tests that start the CLI dozens of times.
 *
 * @example execFile(process.execPath, gridmarkNodeArgs(['init', '--dir', dir]), { cwd })
 */
export function gridmarkNodeArgs(args: readonly string[]): string[] {
  return isBuildCurrent()
    ? [join(ROOT, 'dist/scripts/gridmark.js'), ...args]
    : ['--import', 'tsx', join(ROOT, 'scripts/gridmark.ts'), ...args];
}

/** Milliseconds since the epoch of `file`'s last change; 0 when it does not exist. */
function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The latest change to any file the build compiles from (tests excluded), or to its settings. */
function newestSourceChange(): number {
  let newest = Math.max(
    modifiedAt(join(ROOT, 'tsconfig.json')),
    modifiedAt(join(ROOT, 'tsconfig.build.json')),
  );
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, modifiedAt(path));
      }
    }
  };
  for (const dir of BUILT_FROM) visit(join(ROOT, dir));
  return newest;
}
