import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReadingWriter } from './reading-writer.js';
import { measureStores, type StoreSizes } from './store-size.js';
import type { TrafficDriver } from './traffic-driver.js';

/** How much the ledger and the book grew over a stretch of one kind of traffic. */
export interface DiskGrowth {
  readonly before: StoreSizes;
  readonly after: StoreSizes;
  /** Growth of pages in use: ledger, book. */
  readonly ledgerBytes: number;
  readonly bookBytes: number;
  /** Growth of the files on disk (WAL included): ledger, book. */
  readonly ledgerFileBytes: number;
  readonly bookFileBytes: number;
}

/** Disk cost of charged single-device queries. */
export interface QueryDiskCost extends DiskGrowth {
  readonly charged: number;
  readonly seconds: number;
  /** Pages in use added per 1,000 charged single-device queries. */
  readonly ledgerBytesPer1000: number;
  readonly bookBytesPer1000: number;
}

/** Disk cost of anchoring changed values. */
export interface AnchorDiskCost extends DiskGrowth {
  readonly commitments: number;
  readonly ledgerBytesPerCommitment: number;
}

interface StorePaths {
  readonly ledgerPath: string;
  readonly billingPath: string;
}

const QUIET_MS = 3_000;
const QUIET_DEADLINE_MS = 120_000;

/**
 * Waits until neither the ledger nor the book has grown for three seconds (trades and
 * resolutions queued before have reached the ledger), at most two minutes.
 */
export async function waitForQuiet(paths: StorePaths): Promise<StoreSizes> {
  const deadline = Date.now() + QUIET_DEADLINE_MS;
  let last = measureStores(paths);
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = measureStores(paths);
    if (
      now.ledger.usedBytes !== last.ledger.usedBytes ||
      now.book.usedBytes !== last.book.usedBytes
    )
      stableSince = Date.now();
    last = now;
    if (Date.now() - stableSince >= QUIET_MS) return now;
  }
  return last;
}

const growth = (before: StoreSizes, after: StoreSizes): DiskGrowth => ({
  before,
  after,
  ledgerBytes: after.ledger.usedBytes - before.ledger.usedBytes,
  bookBytes: after.book.usedBytes - before.book.usedBytes,
  ledgerFileBytes: after.ledger.fileBytes - before.ledger.fileBytes,
  bookFileBytes: after.book.fileBytes - before.book.fileBytes,
});

/**
 * Sends only charged single-device queries at `rate` per second, nothing else (no anchoring: no
 * value changes), until `count` were charged (or ten times the time that should take), and
 * measures what the ledger and the book grew by per 1,000.
 */
export async function measureQueryDisk(options: {
  readonly traffic: TrafficDriver;
  readonly paths: StorePaths;
  readonly count: number;
  readonly rate: number;
}): Promise<QueryDiskCost> {
  const before = await waitForQuiet(options.paths);
  options.traffic.window();
  const started = performance.now();
  const deadline = started + (options.count / options.rate) * 10_000;
  let charged = 0;
  while (charged < options.count && performance.now() < deadline) {
    await options.traffic.run(
      { single: options.rate },
      Math.max(1_000, ((options.count - charged) / options.rate) * 1_000),
    );
    charged += options.traffic.window().counts.single.charged;
  }
  const seconds = (performance.now() - started) / 1_000;
  const after = await waitForQuiet(options.paths);
  const g = growth(before, after);
  const per1000 = (bytes: number): number =>
    charged === 0 ? Number.NaN : (bytes * 1_000) / charged;
  return {
    ...g,
    charged,
    seconds,
    ledgerBytesPer1000: per1000(g.ledgerBytes),
    bookBytesPer1000: per1000(g.bookBytes),
  };
}

/**
 * Writes new readings for every monitored device, `rounds` times, each time waiting for the
 * monitoring system's anchoring pass to anchor them (counted in its anchor journal), with no
 * other traffic; measures the ledger's growth per anchored commitment.
 */
export async function measureAnchorDisk(options: {
  readonly paths: StorePaths;
  readonly dataDir: string;
  readonly writer: ReadingWriter;
  readonly rounds: number;
  readonly anchorIntervalMs: number;
}): Promise<AnchorDiskCost> {
  const before = await waitForQuiet(options.paths);
  let commitments = 0;
  for (let round = 0; round < options.rounds; round++) {
    const since = new Date().toISOString();
    options.writer.write(options.writer.devices);
    commitments += await waitForAnchoring(
      options.dataDir,
      since,
      options.anchorIntervalMs * 2 + 30_000,
    );
  }
  const after = await waitForQuiet(options.paths);
  const g = growth(before, after);
  return {
    ...g,
    commitments,
    ledgerBytesPerCommitment: commitments === 0 ? Number.NaN : g.ledgerBytes / commitments,
  };
}

/**
 * Waits for the monitoring system's next pass to anchor values changed after `since` (ISO time);
 * returns how many it anchored.
 *
 * @throws Error when none are anchored within `timeoutMs`
 */
export async function waitForAnchoring(
  dataDir: string,
  since: string,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const anchored = anchoredSince(dataDir, since);
    // A pass records each batch of 500 devices at once; the monitoring system holds fewer.
    if (anchored > 0) return anchored;
  }
  throw new Error(
    `the monitoring system anchored none of the changed readings within ${timeoutMs / 1_000} s`,
  );
}

/** Entries of the monitoring system's anchor journal recorded at or after `since` (ISO time). */
function anchoredSince(dataDir: string, since: string): number {
  const db = new Database(join(dataDir, 'monitoring.anchors.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    return Number(
      db.prepare('SELECT count(*) FROM anchor_journal WHERE anchored_at >= ?').pluck().get(since),
    );
  } finally {
    db.close();
  }
}
