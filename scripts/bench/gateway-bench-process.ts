import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DemoSystems } from '../demo/index.js';
import type { GatewayBenchReply, GatewayBenchRequest } from './gateway-bench-server.js';
import type { GatewayKind } from './gateway-bench-settings.js';

const SERVER_ENTRY = fileURLToPath(new URL('./gateway-bench-server.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const CPU_REPLY_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 10_000;

/** What a gateway process reports about itself. */
export interface GatewaySample {
  readonly micros: number;
  readonly ledger?: { readonly evaluations: number; readonly submissions: number };
}

/** A gateway running in its own process. */
export interface GatewayProcess {
  readonly kind: GatewayKind;
  readonly url: string;
  /** Headers it asks every request to carry. */
  readonly headers: Readonly<Record<string, string>>;
  /** The process's CPU time so far (user + system), microseconds, and gridmark's ledger calls so far. */
  sample(): Promise<GatewaySample>;
  stop(): Promise<void>;
}

/** What every process of the benchmark runs with: Apollo's usage telemetry off, logs at `warn` unless chosen. */
function benchEnvironment(): Record<string, string> {
  return {
    APOLLO_TELEMETRY_DISABLED: 'true',
    GRIDMARK_LOG_LEVEL: process.env['GRIDMARK_LOG_LEVEL'] ?? 'warn',
  };
}

/** Runs `start` (which forks processes that inherit `process.env`) in {@link benchEnvironment}; restored afterwards. */
export async function withBenchEnvironment<T>(start: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(
    Object.keys(benchEnvironment()).map((name) => [name, process.env[name]]),
  );
  Object.assign(process.env, benchEnvironment());
  try {
    return await start();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Forks one gateway process; its `ready` resolves with the gateway's URL. */
export function forkGateway(
  kind: GatewayKind,
  dataDir: string,
  systems: DemoSystems,
  grantKeyPem: string,
): GatewayProcess & {
  readonly ready: Promise<{ url: string; headers: Readonly<Record<string, string>> }>;
} {
  const endpoints = systems.systems.map(({ name, title, url }) => ({ name, title, url }));
  const child = fork(
    SERVER_ENTRY,
    ['--kind', kind, '--data-dir', dataDir, '--systems', JSON.stringify(endpoints)],
    {
      execArgv: ['--import', import.meta.resolve('tsx'), ...profileArgs(kind)],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // gridmark's gateway signs with the key whose public half its systems were started with.
      env: {
        ...process.env,
        ...benchEnvironment(),
        ...(kind === 'checked' || kind === 'gridmark'
          ? { GATEWAY_BENCH_GRANT_KEY: grantKeyPem }
          : {}),
      },
    },
  );
  // gridmark's gateway registers the systems; the parent, which runs them, tells them to anchor.
  child.on('message', (message: GatewayBenchReply) => {
    if (message.type !== 'anchor') return;
    const reply = (anchored: number): void =>
      void child.send({
        type: 'anchored',
        name: message.name,
        anchored,
      } satisfies GatewayBenchRequest);
    systems.startAnchoring(message.name, message.credentials).then(reply, () => reply(-1));
  });
  const ready = new Promise<{ url: string; headers: Readonly<Record<string, string>> }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`the ${kind} gateway did not start within ${READY_TIMEOUT_MS / 1000} s`),
          ),
        READY_TIMEOUT_MS,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the ${kind} gateway exited during start (${signal ?? `code ${code}`})`));
      });
      child.on('message', (message: GatewayBenchReply) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve({ url: message.url, headers: message.headers });
      });
    },
  );
  return {
    kind,
    url: '',
    headers: {},
    ready,
    sample: () => askCpu(child),
    stop: () => stopProcess(child),
  };
}

/**
 * With `GATEWAY_BENCH_PROFILE=<dir>`, each gateway and business-system process writes a V8 CPU
 * profile of its whole run into `<dir>` when it stops (`<kind>.cpuprofile` for a gateway,
 * `open-<system>.cpuprofile` and `guarded-<system>.cpuprofile` for the systems; readable in
 * Chrome DevTools).
 */
export function profileArgs(name: string): string[] {
  const dir = process.env['GATEWAY_BENCH_PROFILE'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
}

/** The gateway process's CPU time so far and its ledger calls, asked over IPC. */
function askCpu(child: ChildProcess): Promise<GatewaySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`gateway process ${child.pid} did not report its CPU time`));
    }, CPU_REPLY_TIMEOUT_MS);
    const onMessage = (message: GatewayBenchReply): void => {
      if (message.type !== 'cpu') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({ micros: message.micros, ...(message.ledger ? { ledger: message.ledger } : {}) });
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu' } satisfies GatewayBenchRequest);
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
