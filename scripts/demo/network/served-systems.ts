import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GridmarkError, OWNER_ONLY_FILE_MODE, type Logger } from '../../../schema/index.js';
import { DEMO_SYSTEMS, type DemoSystem } from '../systems/demo-systems.js';
import { DEMO_KEYS_DIRECTORY } from './demo-gateway-config.js';
import { GRIDMARK_CLI, SAME_SIGNAL_MS } from './gateway-process.js';
import { readyUrl } from './system-ready.js';

/** One demo business system served by `gridmark system serve`. */
export interface ServedSystem {
  readonly name: string;
  readonly title: string;
  readonly url: string;
  readonly pid: number | undefined;
  /** Its API key file (0600): the system reads its registration's key from there to anchor. */
  readonly apiKeyFile: string;
}

/** The five demo systems' processes. */
export interface ServedSystems {
  readonly systems: readonly ServedSystem[];
  /** Resolves with the values the system's first anchoring pass committed (from its start on). */
  anchored(name: string): Promise<number>;
  /** SIGTERM to every system, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const ANCHORING_TIMEOUT_MS = 120_000;

/** The committed configuration of a demo system (`scripts/demo/systems/<name>/<name>.system.yaml`). */
export function demoSystemConfigFile(name: string): string {
  // From the sources beside this file; compiled (dist/scripts/demo/network), from the sources' folder.
  for (const base of ['../systems/', '../../../../scripts/demo/systems/']) {
    const file = fileURLToPath(new URL(`${base}${name}/${name}.system.yaml`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new GridmarkError(
    'BAD_CONFIGURATION',
    `the demo system configuration ${name}.system.yaml is not installed`,
  );
}

/** The file a demo system reads its registry API key from. */
export function demoSystemKeyFile(dataDir: string, name: string): string {
  return join(dataDir, DEMO_KEYS_DIRECTORY, `${name}.api-key`);
}

/** Writes a system's API key file, owner-only, in one step (the system polls for it). */
export function writeSystemKeyFile(file: string, apiKey: string): void {
  const next = `${file}.next`;
  writeFileSync(next, `${apiKey}\n`, { mode: OWNER_ONLY_FILE_MODE });
  renameSync(next, file);
}

/**
 * Starts the five demo systems as `gridmark system serve --config <committed config>` processes,
 * each over its database and anchor journal in `dataDir`, trusting the gateway's key set at
 * `jwksUrl`, anchoring through `registryUrl` once its key file is there. Resolves when all five
 * serve; if one fails, stops the others and throws.
 */
export async function startServedSystems(options: {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly jwksUrl: string;
  readonly registryUrl: string;
  readonly anchorIntervalSeconds?: number;
  readonly logger: Logger;
}): Promise<ServedSystems> {
  const children = new Map<string, ChildProcess>();
  const anchoredBy = new Map<string, Promise<number>>();
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map(stopChild));
  };
  try {
    const systems = await Promise.all(
      DEMO_SYSTEMS.map(async (system) => {
        const apiKeyFile = demoSystemKeyFile(options.dataDir, system.name);
        const child = forkSystem(system, apiKeyFile, options);
        children.set(system.name, child);
        // Its own lines (serving, anchored) are in the banner; only that it is stopping matters here.
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(`${system.name} stopping`)) stopping.add(child);
        });
        anchoredBy.set(system.name, firstAnchoring(child, system.name));
        const url = await readyUrl(child, system.name, READY_TIMEOUT_MS);
        warnOnExit(child, system.name, options.logger);
        return { name: system.name, title: system.title, url, pid: child.pid, apiKeyFile };
      }),
    );
    const anchored = (name: string): Promise<number> =>
      anchoredBy.get(name) ?? Promise.reject(new Error(`no demo system ${name}`));
    return { systems, anchored, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function forkSystem(
  system: DemoSystem,
  apiKeyFile: string,
  options: Parameters<typeof startServedSystems>[0],
): ChildProcess {
  const port = options.port === 0 ? 0 : options.port + system.portOffset;
  return fork(
    GRIDMARK_CLI.path,
    ['system', 'serve', '--config', demoSystemConfigFile(system.name)],
    {
      execArgv: [...GRIDMARK_CLI.execArgv],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: {
        ...process.env,
        GRIDMARK_SYSTEM_PORT: String(port),
        GRIDMARK_SYSTEM_HOST: options.host,
        GRIDMARK_SYSTEM_SQLITE_PATH: join(options.dataDir, `${system.name}.db`),
        GRIDMARK_SYSTEM_JOURNAL_PATH: join(options.dataDir, `${system.name}.anchors.db`),
        GRIDMARK_GATEWAY_JWKS_URL: options.jwksUrl,
        GRIDMARK_SYSTEM_REGISTRY_URL: options.registryUrl,
        GRIDMARK_SYSTEM_CODE: system.prefix,
        GRIDMARK_SYSTEM_API_KEY_FILE: apiKeyFile,
        GRIDMARK_SYSTEM_ANCHOR_INTERVAL_SECONDS: String(options.anchorIntervalSeconds ?? 600),
      },
    },
  );
}

function warnOnExit(child: ChildProcess, name: string, logger: Logger): void {
  child.on('exit', (code, signal) => {
    if (code !== 0 || signal)
      logger.warn(
        `business system "${name}" exited (${signal ?? `code ${code}`}); its fields are null until it is back`,
      );
  });
}

function firstAnchoring(child: ChildProcess, name: string): Promise<number> {
  const promise = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`business system "${name}" did not finish anchoring in time`)),
      ANCHORING_TIMEOUT_MS,
    );
    timer.unref();
    const onMessage = (message: { type?: string; anchored?: number }): void => {
      if (message.type !== 'anchored') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if ((message.anchored ?? -1) < 0)
        reject(new Error(`business system "${name}" could not anchor its values`));
      else resolve(message.anchored ?? 0);
    };
    child.on('message', onMessage);
  });
  promise.catch(() => undefined);
  return promise;
}

/** Systems that said they are stopping (a Ctrl-C on the terminal reaches them too). */
const stopping = new WeakSet<ChildProcess>();

async function stopChild(child: ChildProcess): Promise<void> {
  const done = (): boolean => child.exitCode !== null || child.signalCode !== null;
  if (done()) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 5_000 + SAME_SIGNAL_MS);
  // A second signal would end its stop abruptly: only one that did not get the first is sent one.
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, SAME_SIGNAL_MS))]);
  if (!stopping.has(child) && !done()) child.kill('SIGTERM');
  await exited;
  clearTimeout(kill);
}
