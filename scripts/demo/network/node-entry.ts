import { fileURLToPath } from 'node:url';

/** A module to start as a Node process, and the Node arguments it needs. */
export interface NodeEntry {
  /** The module's file. */
  readonly path: string;
  /** Node's own arguments: the TypeScript loader for a source file, none for compiled JavaScript. */
  readonly execArgv: readonly string[];
}

/**
 * The entry module `relative` (a path without its extension, e.g. `'../run-demo-system'`) as the
 * code at `from` (its `import.meta.url`) runs: compiled (`npm start`, `dist/**.js` on plain Node),
 * the compiled `.js` beside it; from sources (tsx, vitest), the `.ts` beside it under tsx.
 *
 * @example fork(entry.path, args, { execArgv: [...entry.execArgv] })
 */
export function nodeEntry(relative: string, from: string): NodeEntry {
  const source = new URL(from).pathname.endsWith('.ts');
  return {
    path: fileURLToPath(new URL(`${relative}${source ? '.ts' : '.js'}`, from)),
    execArgv: source ? ['--import', import.meta.resolve('tsx')] : [],
  };
}
