import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm start` run as its user runs it: the package's start command, a real process in its own
 * process group (so that Ctrl-C reaches it as a terminal sends it), real files.
 */
const root = new URL('../..', import.meta.url).pathname;
const startScript = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start;
const [command = 'node', ...startArgs] = startScript.split(' ');
const env = { ...process.env, GRIDMARK_LOG_LEVEL: 'warn' };

/** How a run ended. */
export interface StartRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm start -- <args>` without a terminal (standard input closed) that is expected to stop by itself. */
export function startRefused(args: readonly string[]): Promise<StartRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...startArgs, '--port', '0', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `npm start -- <args>` until it says the network is ready, then Ctrl-C. Rejects, with what the
 * process printed, when it stops before it is ready.
 */
export function startUntilReady(
  args: readonly string[],
  readyWithinMs = 150_000,
): Promise<StartRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...startArgs, '--port', '0', ...args], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    let ready = false;
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, readyWithinMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!ready && stdout.includes('Press Ctrl-C to stop.') && child.pid) {
        ready = true;
        process.kill(-child.pid, 'SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (ready) resolve({ code, stdout, stderr });
      else
        reject(
          new Error(
            `npm start ${args.join(' ')} stopped before it was ready (code ${code}):\n${stdout}\n${stderr}`,
          ),
        );
    });
  });
}

/** True when util-linux `script` can give a command a terminal here. */
export const hasScriptCommand =
  spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * `npm start -- <args>` on a terminal (a pseudo-terminal from util-linux `script`), typing `answer`
 * and Enter once it asks a question ending in `[y/N]`.
 */
export function startOnTerminal(args: readonly string[], answer: string): Promise<StartRun> {
  const quoted = [command, ...startArgs, '--port', '0', ...args]
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!answered && stdout.includes('[y/N]')) {
        answered = true;
        child.stdin.end(`${answer}\n`);
      }
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

/** Every file under `dir` (by its path inside it) with the SHA-256 of its content: what a run may not change. */
export function snapshotOf(dir: string, prefix = ''): Record<string, string> {
  const entries: [string, string][] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const inside = join(prefix, name);
    const path = join(dir, inside);
    if (statSync(path).isDirectory())
      entries.push([`${inside}/`, 'directory'], ...Object.entries(snapshotOf(dir, inside)));
    else entries.push([inside, createHash('sha256').update(readFileSync(path)).digest('hex')]);
  }
  return Object.fromEntries(entries);
}
