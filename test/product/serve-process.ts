import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { gridmarkNodeArgs } from '../support/gridmark-command.js';

/** The repository's root, where `scripts/gridmark.ts` runs from. */
const ROOT = new URL('../..', import.meta.url).pathname;

/** What one run of a `gridmark` command printed, and its exit code. */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment of a command: this process's, without any `GRIDMARK_*` setting leaking in. */
function commandEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('GRIDMARK_')),
  );
  return { ...clean, ...env };
}

/** Runs `gridmark <args>` as its own process to the end. */
export function runGridmark(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      gridmarkNodeArgs(args),
      { cwd: ROOT, env: commandEnv(env) },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** What `gridmark init` printed: where it wrote, the first grant key's id and the admin key. */
export interface InitOutput {
  readonly configFile: string;
  readonly kid: string;
  readonly adminKey: string;
}

/** Reads `gridmark init`'s report. */
export function readInitOutput(stdout: string): InitOutput {
  const configFile = /configuration\s+(\S+)/.exec(stdout)?.[1];
  const kid = /grant key (\S+),/.exec(stdout)?.[1];
  const adminKey = /^\s+(gmk_\S+)$/m.exec(stdout)?.[1];
  if (!configFile || !kid || !adminKey) throw new Error(`unexpected init output:\n${stdout}`);
  return { configFile, kid, adminKey };
}

/** A running `gridmark serve` process. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly registryUrl: string;
  readonly jwksUrl: string;
  readonly kid: string;
  /** Everything it wrote to standard error so far. */
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts `gridmark serve --config <file>` and resolves once it prints where it serves; rejects
 * with its output when it exits first.
 */
export function startServe(
  configFile: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 90_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, gridmarkNodeArgs(['serve', '--config', configFile]), {
    cwd: ROOT,
    env: commandEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gridmark serve did not start in time:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gridmark serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
    child.stdout.on('data', () => {
      const jwks = /jwks\s+(\S+) \(signing key (\S+)\)/.exec(stdout);
      const url = /graphql\s+(\S+)/.exec(stdout)?.[1];
      const registryUrl = /registry\s+(\S+)/.exec(stdout)?.[1];
      if (!jwks || !url || !registryUrl) return;
      clearTimeout(timer);
      resolve({
        child,
        url,
        registryUrl,
        jwksUrl: jwks[1] ?? '',
        kid: jwks[2] ?? '',
        stderr: () => stderr,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
