import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '../../../schema/index.js';
import { DEMO_SYSTEMS, type DemoSystem } from '../systems/demo-systems.js';
import type { DemoNetworkOptions } from './demo-network.js';
import { nodeEntry } from './node-entry.js';
import { readyUrl } from './system-ready.js';

/** Where one demo business system serves its subgraph. */
export interface DemoSystemEndpoint {
  readonly name: string;
  readonly title: string;
  readonly url: string;
}

/** What a business system needs to anchor its values: its registration. */
export interface AnchoringCredentials {
  readonly registryUrl: string;
  readonly systemCode: string;
  readonly apiKey: string;
  readonly intervalMs: number;
}

/** The five demo business systems, each running as its own process. */
export interface DemoSystems {
  /** The systems with their process ids (for measuring their CPU time). */
  readonly systems: readonly (DemoSystemEndpoint & { readonly pid: number | undefined })[];
  /** Tells a system its registration, so it starts anchoring; resolves with the commitments of its first pass. */
  startAnchoring(name: string, credentials: AnchoringCredentials): Promise<number>;
  /** Stops every system: SIGTERM, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Options of {@link startDemoSystems}. */
export type DemoSystemsOptions = Omit<DemoNetworkOptions, 'systems' | 'startAnchoring'> & {
  readonly gatewayPublicKeyPem?: string;
  /** Extra Node arguments for a system's process (the benchmark's CPU profiles). */
  readonly nodeArguments?: (system: string) => readonly string[];
};

// Compiled under `npm start`; the sources under tsx when the network runs from them (tests, benchmarks).
const SYSTEM_ENTRY = nodeEntry('../run-demo-system', import.meta.url);
const READY_TIMEOUT_MS = 30_000;
const ANCHORING_TIMEOUT_MS = 120_000;

/**
 * Starts only the five demo business systems, each its own process over its database in
 * `dataDir`, on the five ports after `port` (or free ports when `port` is 0). Resolves when all
 * five serve; if one fails to start, stops the others and throws.
 */
export async function startDemoSystems(options: DemoSystemsOptions): Promise<DemoSystems> {
  const children = new Map<string, ChildProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map(stopChild));
  };
  try {
    const systems = await Promise.all(
      DEMO_SYSTEMS.map(async (system) => {
        const child = forkSystem(system, options);
        children.set(system.name, child);
        const url = await readyUrl(child, system.name, READY_TIMEOUT_MS);
        warnOnExit(child, system.name, options.logger);
        return { name: system.name, title: system.title, url, pid: child.pid };
      }),
    );
    const startAnchoring: DemoSystems['startAnchoring'] = (name, credentials) => {
      const child = children.get(name);
      return child === undefined
        ? Promise.reject(new Error(`no demo system ${name}`))
        : askToAnchor(child, name, credentials);
    };
    return { systems, startAnchoring, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Forks `run-demo-system` for one system, with IPC to report its URL and its anchoring. */
function forkSystem(system: DemoSystem, options: DemoSystemsOptions): ChildProcess {
  const port = options.port === 0 ? 0 : options.port + system.portOffset;
  return fork(
    SYSTEM_ENTRY.path,
    [
      '--system',
      system.name,
      '--port',
      String(port),
      '--host',
      options.host,
      '--db',
      join(options.dataDir, `${system.name}.db`),
      '--journal',
      join(options.dataDir, `${system.name}.anchors.db`),
    ],
    {
      execArgv: [...SYSTEM_ENTRY.execArgv, ...(options.nodeArguments?.(system.name) ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        ...(options.gatewayPublicKeyPem
          ? { GRIDMARK_GATEWAY_PUBLIC_KEY: options.gatewayPublicKeyPem }
          : {}),
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

/** Sends a system its registration; resolves with the commitments its first anchoring pass made. */
function askToAnchor(
  child: ChildProcess,
  name: string,
  credentials: AnchoringCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`business system "${name}" did not finish anchoring in time`)),
      ANCHORING_TIMEOUT_MS,
    );
    const onMessage = (message: { type?: string; anchored?: number }): void => {
      if (message.type !== 'anchored') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if ((message.anchored ?? -1) < 0)
        reject(new Error(`business system "${name}" could not anchor its values`));
      else resolve(message.anchored ?? 0);
    };
    child.on('message', onMessage);
    child.send({ type: 'anchor', ...credentials });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
