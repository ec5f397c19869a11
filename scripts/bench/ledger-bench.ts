/**
 * Ledger benchmarks (`npm run bench -- ledger-anchoring ledger-reads`), on the embedded ledger in
 * a temporary directory:
 * - anchored field commitments per second, sustained through group commit, by several systems
 *   submitting batches at once through the typed adapter; first anchors (new keys) and
 *   re-anchors (keys already on the ledger) apart;
 * - the cost of a hash-record read served by the adapter's cache against one that reaches the
 *   ledger.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLedgerAdapter,
  createEmbeddedLedger,
  type LedgerAdapter,
  type EmbeddedLedger,
} from '../../ledger-adapter/index.js';
import type { Benchmark } from './benchmark.js';
import { growth, measureTables, type TableFootprint } from './disk-footprint.js';
import { benchmarks as footprintBenchmarks } from './query-footprint-bench.js';

const SYSTEMS = 4;
const FIELDS_PER_SYSTEM = 10;
const BATCH = 1000;
const SUBMITTERS_PER_SYSTEM = 2;

async function openLedger(): Promise<{
  ledger: EmbeddedLedger;
  adapter: LedgerAdapter;
  dir: string;
  done: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-ledger-bench-'));
  const ledger = createEmbeddedLedger({ path: join(dir, 'ledger.db') });
  const adapter = await createLedgerAdapter(ledger);
  for (let s = 1; s <= SYSTEMS; s++) {
    const systemCode = `88.1001.${s}`;
    await adapter.registerFields({
      systemCode,
      fields: Array.from({ length: FIELDS_PER_SYSTEM }, (_, f) => ({
        fieldCode: `${systemCode}.F${String(f + 1).padStart(4, '0')}`,
        coordinate: `Device.s${s}f${f + 1}`,
        feeFen: 1,
      })),
    });
  }
  return {
    ledger,
    adapter,
    dir,
    done: async () => {
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A commitment is a SHA-256, different for every value anchored: compressing blocks gains nothing from it.
const commitment = (...of: readonly (string | number)[]): string =>
  createHash('sha256').update(of.join(':')).digest('hex');

/** Batch `n` of a submitter: BATCH commitments over devices × fields, cycling through `keySpace` keys. */
function batchOf(
  system: number,
  submitter: number,
  n: number,
  keySpace: number,
): {
  systemCode: string;
  commitments: { deviceId: string; fieldCode: string; commitment: string }[];
} {
  const systemCode = `88.1001.${system}`;
  const commitments = [];
  for (let i = 0; i < BATCH; i++) {
    const k = (n * BATCH + i) % keySpace;
    const device = Math.floor(k / FIELDS_PER_SYSTEM);
    const field = (k % FIELDS_PER_SYSTEM) + 1;
    commitments.push({
      deviceId: `88.1001.1/S${submitter}-PV-${String(device).padStart(7, '0')}`,
      fieldCode: `${systemCode}.F${String(field).padStart(4, '0')}`,
      commitment: commitment(systemCode, submitter, n, i),
    });
  }
  return { systemCode, commitments };
}

/** Runs every submitter for `seconds`; returns commitments per second and latencies. */
async function sustain(
  adapter: LedgerAdapter,
  ledger: EmbeddedLedger,
  seconds: number,
  keySpace: number,
  startRound: number,
): Promise<{
  rate: number;
  commitments: number;
  blocks: bigint;
  p50: number;
  p99: number;
  cpuSeconds: number;
}> {
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  let commitments = 0;
  const heightBefore = ledger.height;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const submitter = async (system: number, submitterIndex: number): Promise<void> => {
    for (let n = startRound; performance.now() < deadline; n++) {
      const batch = batchOf(system, submitterIndex, n, keySpace);
      const t0 = performance.now();
      await adapter.anchorCommitments(batch);
      latencies.push(performance.now() - t0);
      commitments += batch.commitments.length;
    }
  };
  const jobs = [];
  for (let s = 1; s <= SYSTEMS; s++)
    for (let j = 0; j < SUBMITTERS_PER_SYSTEM; j++) jobs.push(submitter(s, j));
  await Promise.all(jobs);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    rate: commitments / elapsed,
    commitments,
    blocks: ledger.height - heightBefore,
    p50: at(0.5),
    p99: at(0.99),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const anchoring: Benchmark = {
  name: 'ledger-anchoring',
  summary: `anchored field commitments per second on the embedded ledger (group commit; ${SYSTEMS} systems × ${SUBMITTERS_PER_SYSTEM} submitters, batches of ${BATCH}, through the adapter)`,
  async run({ quick, log }) {
    const seconds = quick ? 3 : 10;
    const loadBefore = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const { ledger, adapter, dir, done } = await openLedger();
    try {
      const path = join(dir, 'ledger.db');
      const start = measureTables(path);
      // Keys per submitter: enough that the first phase never repeats one.
      const fresh = await sustain(adapter, ledger, seconds, Number.MAX_SAFE_INTEGER, 0);
      log(`first anchors: ${Math.round(fresh.rate)}/s`);
      const afterFresh = measureTables(path);
      // Re-anchoring: each submitter cycles over 20,000 (device, field) keys it anchored already.
      const again = await sustain(adapter, ledger, seconds, 20_000, 0);
      log(`re-anchors: ${Math.round(again.rate)}/s`);
      const afterAgain = measureTables(path);
      const size =
        statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
      const perCommitment = (from: TableFootprint, to: TableFootprint, r: typeof fresh): string => {
        const grown = growth(from, to);
        const table = (name: string): number => grown.byTable.find(([n]) => n === name)?.[1] ?? 0;
        return `${Math.round(grown.total / r.commitments)} (blocks ${Math.round(table('blocks') / r.commitments)}, state ${Math.round(table('state') / r.commitments)})`;
      };
      const row = (label: string, r: typeof fresh, bytes: string): string =>
        `| ${label} | ${Math.round(r.rate).toLocaleString('en-US')} | ${Math.round(r.commitments / r.cpuSeconds).toLocaleString('en-US')} | ${r.commitments.toLocaleString('en-US')} | ${r.blocks} | ${Math.round(r.commitments / Number(r.blocks)).toLocaleString('en-US')} | ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} | ${bytes} |`;
      const all = fresh.commitments + again.commitments;
      return [
        `${seconds} s per phase, target 50,000 commitments/s; synchronous=FULL (one fsync per block); load average before: ${loadBefore}.`,
        "Per CPU-second counts the process's CPU time on all threads (the contract on the main thread, block writing on a worker), so it moves less with the machine's load.",
        "Bytes per commitment: growth of the ledger file's pages in use (SQLite dbstat) over the phase, divided by its commitments.",
        '',
        '| Phase | Commitments/s | Commitments per CPU-second | Commitments | Blocks | Commitments/block | Submit latency p50 / p99 (ms) | Bytes per commitment |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        row('first anchors (new keys)', fresh, perCommitment(start, afterFresh, fresh)),
        row('re-anchors (keys on the ledger)', again, perCommitment(afterFresh, afterAgain, again)),
        '',
        `Ledger file after both phases: ${(size / 1e6).toFixed(0)} MB for ${all.toLocaleString('en-US')} commitments, **${Math.round(size / all)} bytes per anchored commitment**; ${ledger.height} blocks.`,
      ];
    } finally {
      await done();
    }
  },
};

async function timePerRead(reads: number, read: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < reads; i++) await read(i);
  return ((performance.now() - started) * 1000) / reads;
}

const reads: Benchmark = {
  name: 'ledger-reads',
  summary:
    "a hash-record read (GetAnchors) served by the adapter's cache against one that reaches the embedded ledger",
  async run({ quick, log }) {
    const devices = quick ? 2000 : 10_000;
    const { adapter, done } = await openLedger();
    try {
      const deviceId = (i: number): string => `88.1001.1/PVI-${String(i).padStart(6, '0')}`;
      for (let from = 0; from < devices; from += BATCH) {
        await adapter.anchorCommitments({
          systemCode: '88.1001.1',
          commitments: Array.from({ length: BATCH }, (_, i) => ({
            deviceId: deviceId(from + i),
            fieldCode: '88.1001.1.F0001',
            commitment: commitment(1, from + i),
          })),
        });
      }
      const half = devices / 2;
      // One read at a time: the first half reaches the ledger (never read before), then the same keys again from the cache.
      const calls0 = adapter.stats.evaluations;
      const uncached = await timePerRead(half, (i) =>
        adapter.getAnchor(deviceId(i), '88.1001.1.F0001'),
      );
      const calls1 = adapter.stats.evaluations;
      const cached = await timePerRead(half, (i) =>
        adapter.getAnchor(deviceId(i), '88.1001.1.F0001'),
      );
      const calls2 = adapter.stats.evaluations;
      // A request's worth: 100 anchors asked in one tick (one GetAnchors call when cold).
      const groups = Math.floor(half / 100);
      const batchCold = await timePerRead(groups, (g) =>
        Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            adapter.getAnchor(deviceId(half + g * 100 + i), '88.1001.1.F0001'),
          ),
        ),
      );
      const calls3 = adapter.stats.evaluations;
      const batchWarm = await timePerRead(groups, (g) =>
        Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            adapter.getAnchor(deviceId(half + g * 100 + i), '88.1001.1.F0001'),
          ),
        ),
      );
      const calls4 = adapter.stats.evaluations;
      log(`uncached ${uncached.toFixed(1)} µs, cached ${cached.toFixed(1)} µs`);
      return [
        `${devices.toLocaleString('en-US')} anchors on the ledger; in-memory Keyv cache.`,
        '',
        '| Read | Time per read | Ledger calls |',
        '|---|---:|---:|',
        `| one anchor, uncached | ${uncached.toFixed(1)} µs | ${calls1 - calls0} for ${half} reads |`,
        `| one anchor, cached | ${cached.toFixed(1)} µs | ${calls2 - calls1} for ${half} reads |`,
        `| 100 anchors in one tick, uncached | ${(batchCold / 1000).toFixed(2)} ms | ${calls3 - calls2} for ${groups} batches |`,
        `| 100 anchors in one tick, cached | ${(batchWarm / 1000).toFixed(2)} ms | ${calls4 - calls3} for ${groups} batches |`,
        '',
        `Cached single read: ${(uncached / cached).toFixed(1)}× faster than uncached.`,
      ];
    } finally {
      await done();
    }
  },
};

/** The ledger's benchmarks. */
export const benchmarks: readonly Benchmark[] = [anchoring, reads, ...footprintBenchmarks];
