/**
 * `npm run soak -- --minutes N [--rate 250]`: the demo network under steady mixed traffic.
 *
 * Starts the demo network on a fresh temporary data directory as `npm start` does (the gateway in
 * one process, the five business systems as its children) and sends, over real HTTP, charged
 * single-device and multi-device queries, quotes, top-ups and registrations of new devices, while
 * new monitoring readings are written for the systems to anchor. Every few seconds it samples
 * each process's resident memory. Then it measures the disk cost of charged single-device queries
 * and of anchored values in phases of their own, and checks the invariants: the books balance,
 * every trade is on the ledger once, `gridmark ledger verify` passes; and the gateway's memory
 * target. Prints the memory series and the figures, writes them as JSON, exits 1 on any failure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GridmarkError } from '../../schema/index.js';
import {
  measureAnchorDisk,
  measureQueryDisk,
  waitForAnchoring,
  type AnchorDiskCost,
  type QueryDiskCost,
} from './disk-phases.js';
import { createJsonPoster } from './http-client.js';
import { MemorySampler, type MemorySample } from './memory-sampler.js';
import { openReadingWriter } from './reading-writer.js';
import {
  adminClient,
  checkBook,
  reconcileAll,
  verifyLedger,
  waitForTrades,
  type CheckResult,
} from './soak-checks.js';
import { readDevicePools } from './soak-devices.js';
import { startSoakNetwork, type SoakNetwork } from './soak-network.js';
import { createSoakOperations } from './soak-operations.js';
import { readSoakOptions, type SoakOptions } from './soak-options.js';
import { diskLines, memoryTable, memoryVerdict } from './soak-report.js';
import { measureStores, type StoreSizes } from './store-size.js';
import { TrafficDriver, type TrafficMix, type TrafficWindow } from './traffic-driver.js';

/** Readings written every {@link READINGS_EVERY_MS}, for the monitoring system to anchor. */
const READINGS_PER_WRITE = 20;
const READINGS_EVERY_MS = 10_000;

/** The mixed traffic at `rate` gateway queries per second, plus the platform admin's operations. */
function mixAt(rate: number): TrafficMix {
  return {
    single: rate * 0.75,
    multi: rate * 0.13,
    quote: rate * 0.12,
    'top-up': 0.5,
    register: 0.2,
  };
}

/** What the traffic and disk phases produced. */
interface SoakRun {
  readonly samples: readonly MemorySample[];
  readonly traffic: TrafficWindow;
  readonly queryDisk: QueryDiskCost;
  readonly anchorDisk: AnchorDiskCost;
  readonly checks: readonly CheckResult[];
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const options = readSoakOptions(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'gridmark-soak-'));
  const dataDir = join(work, 'data');
  const startedAt = new Date();
  say(`soak: ${options.minutes} min at ${options.rate} queries/s; data and logs in ${work}`);
  let keep = options.keepData;
  try {
    const network = await startSoakNetwork({
      dataDir,
      logFile: join(work, 'network.log'),
      anchorIntervalMs: options.anchorIntervalMs,
      nodeArguments: options.gatewayNodeArguments,
    });
    say(
      `soak: network serving at ${network.gatewayUrl} (${network.processes.map((p) => `${p.name} ${p.pid}`).join(', ')}); ${network.anchored} commitments anchored at start`,
    );
    let run: SoakRun;
    try {
      run = await soak(network, options, startedAt);
    } finally {
      await network.stop();
    }
    const verified = await verifyLedger(network.ledgerPath);
    const finalSizes = measureStores(network);
    const verdict = memoryVerdict(run.samples);
    const checks = [...run.checks, verified, verdict];
    const ok = checks.every((c) => c.ok);
    printReport(options, run, checks, finalSizes);
    writeResult(options, { startedAt, run, checks, finalSizes, verdict, ok });
    if (!ok) {
      keep = true;
      process.exitCode = 1;
    }
  } catch (error) {
    keep = true;
    throw error;
  } finally {
    if (keep) say(`soak: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** The mixed traffic with memory sampling, the disk phases, and the checks made while the network runs. */
async function soak(network: SoakNetwork, options: SoakOptions, startedAt: Date): Promise<SoakRun> {
  const poster = createJsonPoster({ connections: options.connections, timeoutMs: 30_000 });
  const traffic = new TrafficDriver(
    createSoakOperations({ network, poster, pools: readDevicePools(network.dataDir) }),
    options.connections,
  );
  const writer = openReadingWriter(network.dataDir);
  const stopEarly = new AbortController();
  process.once('SIGINT', () => {
    say('soak: SIGINT, ending the traffic early; the checks still run');
    stopEarly.abort();
  });
  try {
    const names = network.processes.filter((p) => p.name !== 'gateway');
    const sampler = new MemorySampler({
      processes: network.processes,
      intervalMs: options.sampleSeconds * 1_000,
      traffic,
      gatewayMemory: () => network.gatewayMemory(),
      onSample: (s) =>
        say(
          `  ${(s.t / 60).toFixed(1).padStart(5)} min  ${s.queriesPerSecond.toFixed(0).padStart(4)} q/s  p99 ${s.p99Ms.toFixed(0)} ms  skipped ${s.skipped} failed ${s.failed}  gateway ${((s.rss['gateway'] ?? 0) / 1e6).toFixed(0)} MB (heap ${((s.gatewayHeapUsed ?? 0) / 1e6).toFixed(0)})  systems ${names.map((p) => ((s.rss[p.name] ?? 0) / 1e6).toFixed(0)).join('/')} MB`,
        ),
    });
    const readings = setInterval(() => writer.write(READINGS_PER_WRITE), READINGS_EVERY_MS);
    sampler.start();
    try {
      await traffic.run(mixAt(options.rate), options.minutes * 60_000, stopEarly.signal);
    } finally {
      clearInterval(readings);
      await sampler.stop();
    }
    const totals = traffic.totals();
    for (const failure of totals.failures) say(`soak: failure: ${failure}`);
    const lastReadings = writer.lastWrittenAt();
    if (lastReadings !== undefined)
      await waitForAnchoring(network.dataDir, lastReadings, options.anchorIntervalMs * 2 + 30_000);
    say(
      `soak: disk phase, ${options.diskQueries} charged single-device queries at ${options.rate}/s`,
    );
    const queryDisk = await measureQueryDisk({
      traffic,
      paths: network,
      count: options.diskQueries,
      rate: options.rate,
    });
    say(
      `soak: anchoring phase, ${options.anchorRounds} rounds of new readings of ${writer.devices} devices`,
    );
    const anchorDisk = await measureAnchorDisk({
      paths: network,
      dataDir: network.dataDir,
      writer,
      rounds: options.anchorRounds,
      anchorIntervalMs: options.anchorIntervalMs,
    });
    const admin = adminClient(network.registryUrl, network.adminKey);
    await waitForTrades(admin, startedAt.toISOString());
    say('soak: checking the book and reconciling every trade with the ledger');
    const checks = [await checkBook(admin), await reconcileAll(admin, startedAt, new Date())];
    return { samples: sampler.samples, traffic: totals, queryDisk, anchorDisk, checks };
  } finally {
    writer.close();
    poster.close();
  }
}

function printReport(
  options: SoakOptions,
  run: SoakRun,
  checks: readonly CheckResult[],
  finalSizes: StoreSizes,
): void {
  const c = run.traffic.counts;
  const queriesOk = c.single.ok + c.multi.ok + c.quote.ok;
  const mixedSeconds = run.samples.at(-1)?.t ?? 0;
  const lines = [
    `## Soak: ${options.minutes} min at ${options.rate} gateway queries/s asked`,
    '',
    `Achieved over the mixed traffic: ${(queriesOk / Math.max(1, mixedSeconds)).toFixed(0)} queries/s answered. Sent: ${Object.entries(
      c,
    )
      .map(
        ([kind, k]) =>
          `${kind} ${k.ok.toLocaleString('en-US')} ok / ${k.failed} failed / ${k.skipped} skipped${k.charged > 0 ? ` (${k.charged.toLocaleString('en-US')} charged)` : ''}`,
      )
      .join(
        '; ',
      )}; new readings of ${READINGS_PER_WRITE} devices every ${READINGS_EVERY_MS / 1_000} s, anchored by the monitoring system every ${options.anchorIntervalMs / 1_000} s.`,
    '',
    ...memoryTable(run.samples, options.tableSeconds),
    '',
    ...diskLines(run.queryDisk, run.anchorDisk),
    '',
    `At the end (network stopped, logs checkpointed): ledger ${(finalSizes.ledger.fileBytes / 1e6).toFixed(1)} MB, billing book ${(finalSizes.book.fileBytes / 1e6).toFixed(1)} MB.`,
    '',
    ...checks.map((check) => `- ${check.ok ? 'PASS' : 'FAIL'} ${check.name}: ${check.detail}`),
    '',
    `Machine: ${cpus().length} cores, Node ${process.versions.node}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}. Reproduce: \`npm run soak -- --minutes ${options.minutes} --rate ${options.rate}\``,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function writeResult(
  options: SoakOptions,
  result: {
    readonly startedAt: Date;
    readonly run: SoakRun;
    readonly checks: readonly CheckResult[];
    readonly finalSizes: StoreSizes;
    readonly verdict: ReturnType<typeof memoryVerdict>;
    readonly ok: boolean;
  },
): void {
  const { run } = result;
  const c = run.traffic.counts;
  const mixedSeconds = run.samples.at(-1)?.t ?? 0;
  const json = {
    startedAt: result.startedAt.toISOString(),
    options: {
      minutes: options.minutes,
      rate: options.rate,
      sampleSeconds: options.sampleSeconds,
      connections: options.connections,
      diskQueries: options.diskQueries,
      anchorRounds: options.anchorRounds,
      anchorIntervalMs: options.anchorIntervalMs,
      gatewayNodeArguments: options.gatewayNodeArguments,
    },
    machine: { cores: cpus().length, node: process.versions.node, loadAverage: loadavg() },
    achievedQueriesPerSecond: (c.single.ok + c.multi.ok + c.quote.ok) / Math.max(1, mixedSeconds),
    traffic: c,
    memory: { verdict: result.verdict, samples: run.samples },
    disk: { queries: run.queryDisk, anchors: run.anchorDisk, final: result.finalSizes },
    checks: result.checks,
    ok: result.ok,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  say(`soak: wrote ${options.out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = error instanceof GridmarkError ? error.exitCode : 1;
});
