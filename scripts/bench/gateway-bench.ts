import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { createConsoleLogger } from '../../schema/index.js';
import { seedDemoData, startDemoSystems, type DemoSystems } from '../demo/index.js';
import type { Benchmark } from './benchmark.js';
import type { GatewayBenchReply, GatewayBenchRequest } from './gateway-bench-server.js';
import { quantile, runHttpLoad } from './http-load.js';

/** 20 devices held by the five systems: inverters, combiner boxes, strings, the transformer and the meter. */
const DEVICE_IDS = [
  ...Array.from({ length: 8 }, (_, i) => `88.1001.1/PVI-${String(i + 1).padStart(6, '0')}`),
  ...Array.from({ length: 8 }, (_, i) => `88.1001.1/PVC-${String(i + 1).padStart(6, '0')}`),
  '88.1001.2/STR-B1-S01',
  '88.1001.2/STR-B2-S09',
  '88.1001.1/TRF-000001',
  '88.1001.1/MTR-000001',
];
/** 11 fields, two or three from each business system. */
const FIELDS_BY_SYSTEM: Readonly<Record<string, readonly string[]>> = {
  production: ['model', 'ratedPowerW'],
  construction: ['installLocation', 'commissioningDate'],
  monitoring: ['operatingStatus', 'outputPowerW', 'lastReadingAt'],
  om: ['maintenanceRecords { time fault }', 'openFault'],
  asset: ['assetStatus', 'assetValueFen'],
};
const QUERY = `query GatewayBench { devices(ids: [${DEVICE_IDS.map((id) => JSON.stringify(id)).join(', ')}]) { id ${Object.values(FIELDS_BY_SYSTEM).flat().join(' ')} } }`;
const BODY = JSON.stringify({ query: QUERY, operationName: 'GatewayBench' });

const SERVER_ENTRY = fileURLToPath(new URL('./gateway-bench-server.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const CPU_REPLY_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 10_000;

/**
 * The gateways measured: bare Apollo; gridmark's gateway without access control; gridmark with
 * access control (rules, resolutions, grants, verification, receipts) but no charging; gridmark as
 * `npm start` runs it, with per-use charging as well.
 */
const KINDS = ['bare', 'open', 'checked', 'gridmark'] as const;
type GatewayKind = (typeof KINDS)[number];
/** The two that run gridmark's access control, each over its own copy of the plant and its own ledger. */
const CHECKED_KINDS = ['checked', 'gridmark'] as const satisfies readonly GatewayKind[];
const LABELS: Readonly<Record<GatewayKind, string>> = {
  bare: 'bare `@apollo/gateway` + `@apollo/server`',
  open: 'gridmark `createGateway` without access control (a fixed list of systems)',
  checked: 'gridmark `createGateway` with access control, without per-use charging',
  gridmark: 'gridmark `createGateway` as `npm start` runs it (access control and per-use charging)',
};

/** What a gateway process reports about itself. */
interface GatewaySample {
  readonly micros: number;
  readonly ledger?: { readonly evaluations: number; readonly submissions: number };
}

/** A gateway running in its own process. */
interface GatewayProcess {
  readonly kind: GatewayKind;
  readonly url: string;
  /** Headers it asks every request to carry. */
  readonly headers: Readonly<Record<string, string>>;
  /** The process's CPU time so far (user + system), microseconds, and gridmark's ledger calls so far. */
  sample(): Promise<GatewaySample>;
  stop(): Promise<void>;
}

interface Settings {
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly rounds: number;
}

/** One measured window of one gateway. */
interface Round {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly gatewayCpuMsPerRequest: number;
  /** gridmark's ledger reads and write transactions per request in the window (undefined for the others). */
  readonly ledgerReadsPerRequest: number | undefined;
  readonly ledgerWritesPerRequest: number | undefined;
  /** The five business systems' CPU per request; undefined without `/proc`. */
  readonly subgraphsCpuMsPerRequest: number | undefined;
  /** The load generator's own CPU per request (it shares the machine: larger responses cost it more). */
  readonly clientCpuMsPerRequest: number;
  readonly ok: number;
  readonly failed: number;
}

/**
 * The gateway's overhead over bare Apollo: the same `devices(ids:)` query (20 devices x 11 fields
 * over the five demo business systems, each its own process) through Apollo Gateway + Apollo
 * Server alone, through gridmark's gateway without access control, with access control, and as
 * `npm start` runs it (with per-use charging), each gateway in its own process, rounds alternating
 * so that drift on a small machine falls on all. Reports the median round of each: throughput,
 * latency, and the CPU time per request of the gateway, its business systems and the load
 * generator.
 */
const gatewayBench: Benchmark = {
  name: 'gateway',
  summary:
    'gridmark gateway vs bare Apollo Gateway over the five demo systems (throughput, latency, CPU per request)',
  async run({ quick, log }) {
    const settings = readSettings(quick);
    const loadBefore = loadavg();
    const rig = new GatewayBenchRig(log);
    try {
      await rig.start();
      const measured = rig.measuredGateways();
      await checkSameData(measured);
      log('the gateways return the same data for the query');
      // Every gateway and its systems run hot before the first round: a first round that also
      // compiles the code measures the compiler.
      for (const gateway of measured)
        await runHttpLoad({
          url: gateway.url,
          headers: gateway.headers,
          body: BODY,
          connections: settings.connections,
          durationMs: 2 * settings.warmupMs,
        });
      log('warmed up');
      const rounds = await measureRounds(measured, rig, settings, log);
      return report(rounds, settings, quick, loadBefore);
    } finally {
      await rig.stop();
    }
  },
};

/**
 * The gateways and the business systems behind them. Copies of the same plant: one set of
 * systems open to any caller (what a bare gateway can query), and for each gridmark with access
 * control a set that requires its grants and anchors on its ledger, as `npm start` runs them.
 */
class GatewayBenchRig {
  readonly #log: (line: string) => void;
  readonly #dir = mkdtempSync(join(tmpdir(), 'gridmark-bench-gateway-'));
  readonly #openDir = join(this.#dir, 'open');
  readonly #guardedDirs = Object.fromEntries(
    CHECKED_KINDS.map((kind) => [kind, join(this.#dir, kind)]),
  ) as Record<(typeof CHECKED_KINDS)[number], string>;
  readonly #grantKey = generateKeyPairSync('ed25519');
  readonly #sets: DemoSystems[] = [];
  #open: DemoSystems | undefined;
  readonly #guarded: Partial<Record<GatewayKind, DemoSystems>> = {};
  readonly #gateways: GatewayProcess[] = [];

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  async start(): Promise<void> {
    mkdirSync(this.#openDir);
    const seeded = seedDemoData(this.#openDir);
    for (const copy of Object.values(this.#guardedDirs))
      cpSync(this.#openDir, copy, { recursive: true });
    this.#log(
      `seeded the demo plant (${seeded.devices} devices) ${1 + CHECKED_KINDS.length} times in ${this.#dir}`,
    );
    await this.#startSystems();
    for (const kind of KINDS) await this.#startGateway(kind);
  }

  /** The business systems a gateway of `kind` composes, and their data directory. */
  setOf(kind: GatewayKind): { dataDir: string; systems: DemoSystems } {
    const systems = this.#guarded[kind];
    if ((kind === 'checked' || kind === 'gridmark') && systems)
      return { dataDir: this.#guardedDirs[kind], systems };
    if (this.#open === undefined) throw new Error('the open business systems are not running');
    return { dataDir: this.#openDir, systems: this.#open };
  }

  /**
   * The gateways as measured: every gateway gets the same request, with access headers (the
   * others ignore them); each gridmark with access control has its own registry, so its own
   * application key.
   */
  measuredGateways(): GatewayProcess[] {
    const accessHeaders = this.#gateways.find((g) => g.kind === 'checked')?.headers ?? {};
    return this.#gateways.map((g) => ({
      ...g,
      headers: Object.keys(g.headers).length > 0 ? g.headers : accessHeaders,
    }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#gateways.map((g) => g.stop()));
    await Promise.all(this.#sets.map((s) => s.stop()));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #startSystems(): Promise<void> {
    this.#open = await this.#startSet(this.#openDir, 'open');
    const publicKeyPem = this.#grantKey.publicKey
      .export({ type: 'spki', format: 'pem' })
      .toString();
    for (const kind of CHECKED_KINDS)
      this.#guarded[kind] = await this.#startSet(this.#guardedDirs[kind], kind, publicKeyPem);
    this.#log(
      `five open business systems and, for each gridmark with access control, five that require grants are serving`,
    );
  }

  async #startSet(
    dataDir: string,
    set: string,
    gatewayPublicKeyPem?: string,
  ): Promise<DemoSystems> {
    const systems = await withBenchEnvironment(() =>
      startDemoSystems({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        logger: createConsoleLogger('gateway-bench'),
        nodeArguments: (system) => profileArgs(`${set}-${system}`),
        ...(gatewayPublicKeyPem ? { gatewayPublicKeyPem } : {}),
      }),
    );
    this.#sets.push(systems);
    return systems;
  }

  async #startGateway(kind: GatewayKind): Promise<void> {
    const { dataDir, systems } = this.setOf(kind);
    // Kept before the wait, so that a gateway that fails to start is still stopped.
    const forked = forkGateway(
      kind,
      dataDir,
      systems,
      this.#grantKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    this.#gateways.push(forked);
    this.#gateways[this.#gateways.length - 1] = { ...forked, ...(await forked.ready) };
    this.#log(`${kind} gateway serving at ${this.#gateways.at(-1)?.url ?? ''}`);
  }
}

/** The measured rounds, each starting with the next gateway. */
async function measureRounds(
  measured: readonly GatewayProcess[],
  rig: GatewayBenchRig,
  settings: Settings,
  log: (line: string) => void,
): Promise<Record<GatewayKind, Round[]>> {
  const rounds: Record<GatewayKind, Round[]> = { bare: [], open: [], checked: [], gridmark: [] };
  for (let r = 0; r < settings.rounds; r++) {
    // Each round starts with the next gateway, so that none is always measured first (or last)
    // when the machine speeds up or slows down within a round.
    for (const gateway of [
      ...measured.slice(r % measured.length),
      ...measured.slice(0, r % measured.length),
    ]) {
      const round = await measureRound(
        gateway,
        rig.setOf(gateway.kind).systems.systems.map((s) => s.pid),
        settings,
      );
      rounds[gateway.kind].push(round);
      log(
        `round ${r + 1}/${settings.rounds} ${gateway.kind}: ${round.requestsPerSecond.toFixed(0)} requests/s, p50 ${round.p50Ms.toFixed(1)} ms, p99 ${round.p99Ms.toFixed(1)} ms, gateway CPU ${round.gatewayCpuMsPerRequest.toFixed(2)} ms/request, systems' CPU ${round.subgraphsCpuMsPerRequest?.toFixed(2) ?? 'n/a'} ms/request, load generator's CPU ${round.clientCpuMsPerRequest.toFixed(2)} ms/request, ${round.failed} failed`,
      );
    }
  }
  return rounds;
}

function readSettings(quick: boolean): Settings {
  const fromEnv = (name: string, fallback: number): number => {
    const text = process.env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, not "${text}"`);
    return value;
  };
  return {
    connections: fromEnv('GATEWAY_BENCH_CONNECTIONS', 32),
    warmupMs: quick ? 1_000 : 3_000,
    durationMs: fromEnv('GATEWAY_BENCH_SECONDS', quick ? 3 : 10) * 1_000,
    rounds: fromEnv('GATEWAY_BENCH_ROUNDS', quick ? 2 : 3),
  };
}

/** What every process of the benchmark runs with: Apollo's usage telemetry off, logs at `warn` unless chosen. */
function benchEnvironment(): Record<string, string> {
  return {
    APOLLO_TELEMETRY_DISABLED: 'true',
    GRIDMARK_LOG_LEVEL: process.env['GRIDMARK_LOG_LEVEL'] ?? 'warn',
  };
}

/** Runs `start` (which forks processes that inherit `process.env`) in {@link benchEnvironment}; restored afterwards. */
async function withBenchEnvironment<T>(start: () => Promise<T>): Promise<T> {
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
function forkGateway(
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
function profileArgs(name: string): string[] {
  const dir = process.env['GATEWAY_BENCH_PROFILE'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
}

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

/** Posts the query once to each gateway; throws unless they all answer the same, complete data. */
async function checkSameData(gateways: readonly GatewayProcess[]): Promise<void> {
  const answer = async (gateway: GatewayProcess): Promise<unknown> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { ...gateway.headers, 'content-type': 'application/json' },
      body: BODY,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      data?: { devices?: (Record<string, unknown> | null)[] };
      errors?: unknown;
    };
    if (response.status !== 200 || body.errors !== undefined)
      throw new Error(
        `the ${gateway.kind} gateway answered the benchmark query with ${response.status}: ${text.slice(0, 1_000)}`,
      );
    const devices = body.data?.devices ?? [];
    if (devices.length !== DEVICE_IDS.length || devices.some((d) => d === null))
      throw new Error(
        `the ${gateway.kind} gateway did not return all ${DEVICE_IDS.length} devices: ${text.slice(0, 1_000)}`,
      );
    for (const [system, fields] of Object.entries(FIELDS_BY_SYSTEM)) {
      const names = fields.map((f) => f.split(' ')[0] ?? f);
      if (!devices.some((d) => names.some((n) => d?.[n] !== null && d?.[n] !== undefined)))
        throw new Error(`the ${gateway.kind} gateway returned no field of the ${system} system`);
    }
    return body.data;
  };
  const answers = await Promise.all(gateways.map(answer));
  const [first, ...others] = answers;
  others.forEach((data, i) => {
    if (!isDeepStrictEqual(first, data)) {
      throw new Error(
        `the gateways answer the benchmark query differently:\n${gateways[0]?.kind ?? ''}: ${JSON.stringify(first).slice(0, 2_000)}\n${gateways[i + 1]?.kind ?? ''}: ${JSON.stringify(data).slice(0, 2_000)}`,
      );
    }
  });
}

/** Warm-up, then one measured window with the gateway's and the subgraphs' CPU read around it. */
async function measureRound(
  gateway: GatewayProcess,
  subgraphPids: readonly (number | undefined)[],
  settings: Settings,
): Promise<Round> {
  const load = {
    url: gateway.url,
    headers: gateway.headers,
    body: BODY,
    connections: settings.connections,
  };
  await runHttpLoad({ ...load, durationMs: settings.warmupMs });
  const before = await gateway.sample();
  const subgraphsBefore = subgraphsCpuMs(subgraphPids);
  const clientBefore = process.cpuUsage();
  const result = await runHttpLoad({ ...load, durationMs: settings.durationMs });
  const client = process.cpuUsage(clientBefore);
  const after = await gateway.sample();
  const subgraphsAfter = subgraphsCpuMs(subgraphPids);
  if (result.firstFailure !== undefined)
    process.stderr.write(
      `  ${gateway.kind}: ${result.failed} failed; the first: ${result.firstFailure}\n`,
    );
  if (result.ok === 0 || result.failed > result.ok / 100) {
    throw new Error(
      `the ${gateway.kind} gateway failed ${result.failed} of ${result.ok + result.failed} requests in a measured window`,
    );
  }
  return {
    requestsPerSecond: result.ok / (result.elapsedMs / 1_000),
    p50Ms: quantile(result.latenciesMs, 0.5),
    p99Ms: quantile(result.latenciesMs, 0.99),
    gatewayCpuMsPerRequest: (after.micros - before.micros) / 1_000 / result.ok,
    ledgerReadsPerRequest:
      before.ledger && after.ledger
        ? (after.ledger.evaluations - before.ledger.evaluations) / result.ok
        : undefined,
    ledgerWritesPerRequest:
      before.ledger && after.ledger
        ? (after.ledger.submissions - before.ledger.submissions) / result.ok
        : undefined,
    subgraphsCpuMsPerRequest:
      subgraphsBefore === undefined || subgraphsAfter === undefined
        ? undefined
        : (subgraphsAfter - subgraphsBefore) / result.ok,
    clientCpuMsPerRequest: (client.user + client.system) / 1_000 / result.ok,
    ok: result.ok,
    failed: result.failed,
  };
}

/**
 * The summed CPU time of the business systems' processes from `/proc/<pid>/stat` (utime + stime,
 * at Linux's 100 ticks per second), milliseconds; undefined where there is no `/proc`.
 */
function subgraphsCpuMs(pids: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    if (pid === undefined) return undefined;
    try {
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }
  return Number.isFinite(total) ? total : undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

function report(
  rounds: Record<GatewayKind, Round[]>,
  settings: Settings,
  quick: boolean,
  loadBefore: readonly number[],
): string[] {
  const of = (kind: GatewayKind, pick: (r: Round) => number | undefined): number =>
    median(rounds[kind].map((r) => pick(r) ?? Number.NaN));
  const bareRps = of('bare', (r) => r.requestsPerSecond);
  const totalCpu = (kind: GatewayKind): number =>
    of(kind, (r) => r.gatewayCpuMsPerRequest) + of(kind, (r) => r.subgraphsCpuMsPerRequest);
  const ms = (value: number, digits: number): string =>
    Number.isNaN(value) ? 'n/a' : `${value.toFixed(digits)} ms`;
  const rows = [
    "| gateway | requests/s | p50 | p99 | gateway CPU per request | five systems' CPU per request | load generator's CPU per request | throughput vs bare |",
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...KINDS.map((kind) => {
      const rps = of(kind, (r) => r.requestsPerSecond);
      return `| ${LABELS[kind]} | ${rps.toFixed(0)} | ${ms(
        of(kind, (r) => r.p50Ms),
        1,
      )} | ${ms(
        of(kind, (r) => r.p99Ms),
        1,
      )} | ${ms(
        of(kind, (r) => r.gatewayCpuMsPerRequest),
        2,
      )} | ${ms(
        of(kind, (r) => r.subgraphsCpuMsPerRequest),
        2,
      )} | ${ms(
        of(kind, (r) => r.clientCpuMsPerRequest),
        2,
      )} | ${(rps / bareRps).toFixed(2)} |`;
    }),
    '',
    `CPU per request of the gateway and its five systems together, bare against gridmark: ${CHECKED_KINDS.map((kind) => `${kind === 'checked' ? 'with access control' : 'as `npm start` runs it'} ${(totalCpu('bare') / totalCpu(kind)).toFixed(2)} (${ms(totalCpu(kind), 1)} against ${ms(totalCpu('bare'), 1)})`).join('; ')}: the ratio throughput tends to on a machine they share.`,
    `What gridmark's checks cost, gridmark with access control against its own gateway without it: ${ms(of('checked', (r) => r.gatewayCpuMsPerRequest) - of('open', (r) => r.gatewayCpuMsPerRequest), 2)} more gateway CPU and ${ms(of('checked', (r) => r.subgraphsCpuMsPerRequest) - of('open', (r) => r.subgraphsCpuMsPerRequest), 2)} more business-system CPU per request (grants checked, proofs sent); throughput ${(of('checked', (r) => r.requestsPerSecond) / of('open', (r) => r.requestsPerSecond)).toFixed(2)} of it.`,
    `What per-use charging costs on top: ${ms(of('gridmark', (r) => r.gatewayCpuMsPerRequest) - of('checked', (r) => r.gatewayCpuMsPerRequest), 2)} more gateway CPU per request; throughput ${(of('gridmark', (r) => r.requestsPerSecond) / of('checked', (r) => r.requestsPerSecond)).toFixed(2)} of access control alone.`,
    ...CHECKED_KINDS.map(
      (kind) =>
        `Ledger calls of gridmark ${kind === 'checked' ? 'with access control' : 'as `npm start` runs it'} in the measured windows: ${of(kind, (r) => r.ledgerReadsPerRequest).toFixed(3)} reads per request (a warm cache answers every rule, catalog, field and anchor read), ${of(kind, (r) => r.ledgerWritesPerRequest).toFixed(3)} write transactions per request (resolutions${kind === 'gridmark' ? ' and trades' : ''} are recorded in batches).`,
    ),
    `One \`devices(ids:)\` query, ${DEVICE_IDS.length} devices x ${Object.values(FIELDS_BY_SYSTEM).flat().length} fields over the five demo business systems (each its own process); ${settings.connections} concurrent keep-alive connections; ${settings.rounds} rounds per gateway, alternating (each round starting with the next gateway) after a ${(2 * settings.warmupMs) / 1_000} s warm-up of each, each round ${settings.warmupMs / 1_000} s warm-up + ${settings.durationMs / 1_000} s measured; medians of the rounds. Only 200 responses without \`errors\` count. CPU: the gateway process's own user + system time over the measured window, per successful request.`,
    `Throughput against bare round by round (each round measures the gateways one after another): ${KINDS.filter(
      (k) => k !== 'bare',
    )
      .map(
        (kind) =>
          `${kind} ${rounds[kind].map((r, i) => (r.requestsPerSecond / (rounds.bare[i]?.requestsPerSecond ?? Number.NaN)).toFixed(2)).join(', ')} (median ${median(rounds[kind].map((r, i) => r.requestsPerSecond / (rounds.bare[i]?.requestsPerSecond ?? Number.NaN))).toFixed(2)})`,
      )
      .join('; ')}.`,
    `Rounds (requests/s): ${KINDS.map((kind) => `${kind} ${rounds[kind].map((r) => r.requestsPerSecond.toFixed(0)).join(', ')}`).join('; ')}. Failed responses: ${KINDS.map((kind) => `${kind} ${rounds[kind].reduce((n, r) => n + r.failed, 0)}`).join(', ')}.`,
    `Machine: ${cpus().length} cores, Node ${process.versions.node}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the run, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} after.`,
    `Reproduce: \`${reproduceCommand(quick)}\``,
  ];
  return rows;
}

function reproduceCommand(quick: boolean): string {
  const env = ['GATEWAY_BENCH_CONNECTIONS', 'GATEWAY_BENCH_SECONDS', 'GATEWAY_BENCH_ROUNDS']
    .filter((name) => (process.env[name] ?? '') !== '')
    .map((name) => `${name}=${process.env[name] ?? ''} `);
  return `${env.join('')}npm run bench -- gateway${quick ? ' --quick' : ''}`;
}

/** The gateway's benchmarks. */
export const benchmarks: readonly Benchmark[] = [gatewayBench];
