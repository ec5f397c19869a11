import type { AnchorDiskCost, QueryDiskCost } from './disk-phases.js';
import type { MemorySample } from './memory-sampler.js';
import type { CheckResult } from './soak-checks.js';

/** The memory target of issue 13: after its first five minutes the gateway stays within 20 % of its level then, and under 300 MB. */
export const MEMORY_TARGET = { settleSeconds: 300, tolerance: 0.2, limitBytes: 300e6 } as const;

const mb = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined ? 'n/a' : (bytes / 1e6).toFixed(0);
const kb = (bytes: number): string =>
  Number.isNaN(bytes) ? 'n/a' : (bytes / 1e3).toLocaleString('en-US', { maximumFractionDigits: 1 });
const fixed = (value: number, digits: number): string =>
  Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

/**
 * The memory series as a Markdown table, one row per `everySeconds` (the sample nearest each
 * mark) and the last sample: time, achieved query rate, latency, failures, the gateway's RSS and
 * heap, and each business system's RSS (MB = 10^6 bytes).
 */
export function memoryTable(samples: readonly MemorySample[], everySeconds: number): string[] {
  const names = Object.keys(samples[0]?.rss ?? {}).filter((n) => n !== 'gateway');
  const rows: MemorySample[] = [];
  let mark = 0;
  for (const s of samples) {
    if (s.t + 0.5 >= mark) {
      rows.push(s);
      mark = Math.floor(s.t / everySeconds + 1) * everySeconds;
    }
  }
  const last = samples.at(-1);
  if (last && rows.at(-1) !== last) rows.push(last);
  return [
    `| min:s | queries/s | p50 / p99 ms | skipped / failed | gateway RSS MB | gateway heap used / total MB | gateway external MB | ${names.map((n) => `${n} RSS MB`).join(' | ')} |`,
    `|---|---:|---:|---:|---:|---:|---:|${names.map(() => '---:|').join('')}`,
    ...rows.map((s) => {
      const clock = `${Math.floor(s.t / 60)}:${String(Math.floor(s.t % 60)).padStart(2, '0')}`;
      return `| ${clock} | ${s.queriesPerSecond.toFixed(0)} | ${fixed(s.p50Ms, 0)} / ${fixed(s.p99Ms, 0)} | ${s.skipped} / ${s.failed} | ${mb(s.rss['gateway'])} | ${mb(s.gatewayHeapUsed)} / ${mb(s.gatewayHeapTotal)} | ${mb(s.gatewayExternal)} | ${names.map((n) => mb(s.rss[n])).join(' | ')} |`;
    }),
  ];
}

/** The gateway's RSS judged against {@link MEMORY_TARGET}; not judged for a soak of five minutes or less. */
export function memoryVerdict(samples: readonly MemorySample[]): CheckResult & {
  readonly judged: boolean;
  readonly levelBytes: number | null;
  readonly maxAfterBytes: number | null;
  readonly lastBytes: number | null;
} {
  const rss = (s: MemorySample): number => s.rss['gateway'] ?? Number.NaN;
  const settled = samples.find((s) => s.t >= MEMORY_TARGET.settleSeconds);
  const after = samples.filter((s) => settled !== undefined && s.t >= settled.t);
  const lastBytes = samples.length > 0 ? rss(samples.at(-1) as MemorySample) : null;
  const name = `gateway memory: within ${MEMORY_TARGET.tolerance * 100} % of its level at ${MEMORY_TARGET.settleSeconds / 60} min, under ${MEMORY_TARGET.limitBytes / 1e6} MB`;
  if (!settled || after.length < 2)
    return {
      name,
      ok: true,
      judged: false,
      levelBytes: null,
      maxAfterBytes: null,
      lastBytes,
      detail: `not judged: the soak ran ${MEMORY_TARGET.settleSeconds / 60} minutes or less`,
    };
  const level = rss(settled);
  const values = after.map(rss);
  const max = Math.max(...values);
  const min = Math.min(...values);
  const ok =
    max <= level * (1 + MEMORY_TARGET.tolerance) &&
    min >= level * (1 - MEMORY_TARGET.tolerance) &&
    max < MEMORY_TARGET.limitBytes;
  return {
    name,
    ok,
    judged: true,
    levelBytes: level,
    maxAfterBytes: max,
    lastBytes,
    detail: `RSS ${mb(level)} MB at ${(settled.t / 60).toFixed(1)} min, then ${mb(min)} to ${mb(max)} MB (${fixed(((max - level) / level) * 100, 0)} % above), ${mb(lastBytes)} MB at the end`,
  };
}

/** The disk figures as lines. */
export function diskLines(queries: QueryDiskCost, anchors: AnchorDiskCost): string[] {
  return [
    '| what | charged queries / commitments | ledger | billing book | together |',
    '|---|---:|---:|---:|---:|',
    `| per 1,000 charged single-device queries (14 fields), pages in use | ${queries.charged.toLocaleString('en-US')} | ${kb(queries.ledgerBytesPer1000)} KB | ${kb(queries.bookBytesPer1000)} KB | ${kb(queries.ledgerBytesPer1000 + queries.bookBytesPer1000)} KB |`,
    `| the same, files on disk with WAL | ${queries.charged.toLocaleString('en-US')} | ${kb((queries.ledgerFileBytes * 1_000) / queries.charged)} KB | ${kb((queries.bookFileBytes * 1_000) / queries.charged)} KB | ${kb(((queries.ledgerFileBytes + queries.bookFileBytes) * 1_000) / queries.charged)} KB |`,
    `| per anchored value commitment | ${anchors.commitments.toLocaleString('en-US')} | ${fixed(anchors.ledgerBytesPerCommitment, 0)} bytes | | |`,
    '',
    `Pages in use: page count less free pages, as a reader sees the database with its write-ahead log (what the file holds once the log is checkpointed). KB = 1,000 bytes. Query phase: ${queries.charged.toLocaleString('en-US')} charged queries in ${queries.seconds.toFixed(0)} s, nothing else sent and no value changed. Anchoring phase: new readings of every monitored device, anchored by the monitoring system's own passes, no queries.`,
  ];
}
