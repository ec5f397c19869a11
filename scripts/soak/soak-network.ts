import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { SERVICE_NODE_ARGUMENTS, SERVICE_PROCESS_ENVIRONMENT } from '../../gateway/index.js';
import { nodeEntry } from '../demo/index.js';
import { childProcesses } from './process-memory.js';
import type { SoakNetworkInfo, SoakNetworkReply, SoakNetworkRequest } from './soak-messages.js';

// Compiled under `npm run soak`, as `npm start` runs the demo; the sources under tsx from a test.
const ENTRY = nodeEntry('./soak-network-process', import.meta.url);
const READY_TIMEOUT_MS = 180_000;
const MEMORY_REPLY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 60_000;

/** Options of {@link startSoakNetwork}. */
export interface SoakNetworkOptions {
  /** An empty directory: the plant is seeded there, and the ledger, book and registry live there. */
  readonly dataDir: string;
  /** Where the network's processes write their logs (appended). */
  readonly logFile: string;
  /** How often the business systems run their anchoring pass. */
  readonly anchorIntervalMs: number;
  /** Extra Node arguments for the gateway's process (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  readonly nodeArguments?: readonly string[];
}

/** A process of the network whose memory the soak follows. */
export interface NetworkProcess {
  /** `gateway`, or a business system's name. */
  readonly name: string;
  readonly pid: number;
}

/** The demo network running in its own process, as `npm start` runs it. */
export interface SoakNetwork extends SoakNetworkInfo {
  /** The gateway's process and its five business systems. */
  readonly processes: readonly NetworkProcess[];
  /** The gateway process's own view of its memory (heap, external, array buffers). */
  gatewayMemory(): Promise<NodeJS.MemoryUsage>;
  /** Stops the gateway (which stops its systems and closes the ledger and book); SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/**
 * Forks the soak's network process over a fresh data directory and waits until it serves.
 *
 * @throws Error when it exits or does not report ready within three minutes
 */
export async function startSoakNetwork(options: SoakNetworkOptions): Promise<SoakNetwork> {
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = fork(
      ENTRY.path,
      ['--data-dir', options.dataDir, '--anchor-interval-ms', String(options.anchorIntervalMs)],
      {
        // Started as gridmark starts a gateway's process; --gateway-node-arg adds to it.
        execArgv: [...ENTRY.execArgv, ...SERVICE_NODE_ARGUMENTS, ...(options.nodeArguments ?? [])],
        stdio: ['ignore', log, log, 'ipc'],
        env: {
          ...SERVICE_PROCESS_ENVIRONMENT,
          ...process.env,
          APOLLO_TELEMETRY_DISABLED: 'true',
          GRIDMARK_LOG_LEVEL: process.env['GRIDMARK_LOG_LEVEL'] ?? 'warn',
        },
      },
    );
  } finally {
    closeSync(log);
  }
  const stop = (): Promise<void> => stopNetwork(child);
  try {
    const info = await ready(child);
    const pid = child.pid ?? 0;
    const systems = childProcesses(pid).flatMap(({ pid: systemPid, argv }) => {
      const name = argv[argv.indexOf('--system') + 1];
      return argv.includes('--system') && name !== undefined ? [{ name, pid: systemPid }] : [];
    });
    return {
      ...info,
      processes: [
        { name: 'gateway', pid },
        ...systems.sort((a, b) => a.name.localeCompare(b.name)),
      ],
      gatewayMemory: () => askMemory(child),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function ready(child: ChildProcess): Promise<SoakNetworkInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the soak network did not start within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the soak network exited during start (${signal ?? `code ${code}`}); see its log`,
        ),
      );
    });
    child.on('message', (message: SoakNetworkReply) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
  });
}

function askMemory(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: SoakNetworkReply): void => {
      if (message.type !== 'memory') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.usage);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('the gateway did not report its memory in time'));
    }, MEMORY_REPLY_TIMEOUT_MS);
    child.on('message', onMessage);
    child.send({ type: 'memory' } satisfies SoakNetworkRequest);
  });
}

function stopNetwork(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' } satisfies SoakNetworkRequest);
    else child.kill('SIGTERM');
  });
}
