import { spawn, type ChildProcess } from 'node:child_process';
import { SERVICE_NODE_ARGUMENTS, SERVICE_PROCESS_ENVIRONMENT } from '../../../gateway/index.js';
import { GridmarkError, type Logger } from '../../../schema/index.js';
import { nodeEntry } from './node-entry.js';

/** `gridmark serve` running as a child process. */
export interface GatewayProcess {
  /** The GraphQL endpoint it printed, `http://host:port/`. */
  readonly url: string;
  /** The id of the grant key it signs with, as it printed it. */
  readonly kid: string;
  readonly pid: number | undefined;
  /** Resolves with the exit code once it exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (it drains, then exits), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

// The CLI the package's bin runs: compiled under `npm start`, the sources under tsx from tests.
const CLI_ENTRY = nodeEntry('../../gridmark', import.meta.url);
const START_TIMEOUT_MS = 60_000;
/** How long a stop waits for a child to tell it stopped on the same signal before sending its own. */
export const SAME_SIGNAL_MS = 500;

/** The CLI's entry, for starting its other commands (`system serve`) the same way. */
export const GRIDMARK_CLI = CLI_ENTRY;

/**
 * Runs `gridmark serve --config <configFile>` as its own process, on `port` and `host` (through
 * `GRIDMARK_LISTEN_PORT` / `GRIDMARK_LISTEN_HOST`), and resolves when it serves. Its own start
 * lines are read for the URL and key id; what it logs after is passed on to this process's output.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when it exits before serving (its own error, naming
 *   the file or setting, is on the standard error it shares).
 */
export function startGatewayProcess(options: {
  readonly configFile: string;
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
}): Promise<GatewayProcess> {
  const level = process.env['GRIDMARK_LOGGING_LEVEL'] ?? process.env['GRIDMARK_LOG_LEVEL'];
  const child = spawn(
    process.execPath,
    // Started as a long-running gateway's process is: a small young generation, two malloc arenas.
    [
      ...SERVICE_NODE_ARGUMENTS,
      ...CLI_ENTRY.execArgv,
      CLI_ENTRY.path,
      'serve',
      '--config',
      options.configFile,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        ...SERVICE_PROCESS_ENVIRONMENT,
        GRIDMARK_LISTEN_PORT: String(options.port),
        GRIDMARK_LISTEN_HOST: options.host,
        ...(level === undefined ? {} : { GRIDMARK_LOGGING_LEVEL: level }),
      },
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal) options.logger.warn(`the gateway (gridmark serve) was stopped by ${signal}`);
      resolve(code);
    }),
  );
  return waitUntilServing(child, exited, options.logger);
}

function waitUntilServing(
  child: ChildProcess,
  exited: Promise<number | null>,
  logger: Logger,
): Promise<GatewayProcess> {
  return new Promise((resolve, reject) => {
    let started = false;
    let head = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new GridmarkError('BAD_CONFIGURATION', 'gridmark serve did not start in time'));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!started)
        reject(
          new GridmarkError(
            'BAD_CONFIGURATION',
            `gridmark serve exited during its start (code ${code})`,
          ),
        );
      else if (code !== 0 && code !== null)
        logger.warn(`the gateway (gridmark serve) exited with code ${code}`);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (/^gridmark serve: SIG[A-Z]+, stopping$/m.test(chunk.toString())) stopping.add(child);
      if (started) return void process.stdout.write(chunk);
      head += chunk.toString();
      const url = /^ {2}graphql +(\S+)$/m.exec(head)?.[1];
      const kid = /\(signing key (\S+)\)/.exec(head)?.[1];
      if (url === undefined || kid === undefined || !head.includes('Stop with Ctrl-C')) return;
      started = true;
      clearTimeout(timer);
      logger.info(
        `the gateway serves at ${url}: gridmark serve (pid ${child.pid}), grant key ${kid}`,
      );
      const rest = head.slice(head.indexOf('\n', head.indexOf('Stop with Ctrl-C')) + 1);
      if (rest) process.stdout.write(rest);
      resolve({
        url,
        kid,
        pid: child.pid,
        exited,
        stop: (graceMs) => stopChild(child, exited, graceMs),
      });
    });
  });
}

/** Gateway processes that said they are stopping (a Ctrl-C on the terminal reaches them too). */
const stopping = new WeakSet<ChildProcess>();

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  graceMs = 15_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  // A terminal's Ctrl-C reaches the whole process group: a second signal would cut its drain short.
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, SAME_SIGNAL_MS))]);
  if (!stopping.has(child) && child.exitCode === null && child.signalCode === null)
    child.kill('SIGTERM');
  await exited;
  clearTimeout(kill);
}
