/**
 * `npm run bench -- query-footprint`: what one charged query costs on disk. Seeds the demo plant
 * in a temporary directory, starts the demo network as `npm start` does (business systems, gateway,
 * embedded ledger, billing book), sends single-device queries of the demo's 14 fields as the
 * O&M engineer, and measures the ledger and the book table by table before and after, and the
 * ledger's rows by what they hold (block headers, block data, state records by kind).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphqlClient, silentLogger } from '../../schema/index.js';
import {
  DEMO_APPLICATION,
  BILLING_FILE,
  LEDGER_FILE,
  seedDemoData,
  startDemoNetwork,
} from '../demo/index.js';
import type { Benchmark } from './benchmark.js';
import { growth, measureTables, type TableFootprint } from './disk-footprint.js';
import {
  measureLedgerRecords,
  recordGrowth,
  type LedgerRecords,
} from './query-footprint-records.js';

const FIELDS =
  'id kind heldBy model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW lastReadingAt maintenanceRecords { time fault remedy } assetStatus assetValueFen';
const INVERTERS = 8;
/**
 * Queries in flight at once: one (each query's resolution and trade in blocks of their own, as a
 * gateway answering some 50 queries a second records them), a few clients, then a busy gateway
 * (more queries share each ledger transaction and block).
 */
const CONCURRENCY = [1, 4, 32] as const;
const REQUEST_TIMEOUT_MS = 30_000;

const deviceOf = (i: number): string =>
  `88.1001.1/PVI-${String((i % INVERTERS) + 1).padStart(6, '0')}`;

async function query(url: string, apiKey: string, deviceId: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      'x-gridmark-function': DEMO_APPLICATION.function,
      'x-gridmark-role': 'om-engineer',
    },
    body: JSON.stringify({ query: `{ device(id: ${JSON.stringify(deviceId)}) { ${FIELDS} } }` }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as {
    errors?: unknown[];
    extensions?: { gridmark?: { charge?: unknown } };
  };
  if (!response.ok || body.errors)
    throw new Error(
      `query for ${deviceId} failed: ${response.status} ${JSON.stringify(body.errors)}`,
    );
}

function tableLines(
  label: string,
  before: TableFootprint,
  after: TableFootprint,
  queries: number,
): string[] {
  const grown = growth(before, after);
  return [
    `| ${label} | **${Math.round(grown.total / queries).toLocaleString('en-US')}** | ${(grown.total / 1e6).toFixed(2)} MB |`,
    ...grown.byTable.map(
      ([name, bytes]) =>
        `| &nbsp;&nbsp;${name} | ${Math.round(bytes / queries).toLocaleString('en-US')} | ${(bytes / 1e6).toFixed(2)} MB |`,
    ),
  ];
}

/** Both files as measured now. */
interface Footprint {
  readonly ledger: TableFootprint;
  readonly book: TableFootprint;
  readonly records: LedgerRecords;
}

function recordLines(before: Footprint, after: Footprint, queries: number): string[] {
  const fileGrowth = growth(before.ledger, after.ledger).total;
  return [
    '| Ledger rows | Rows per query | Bytes per query |',
    '|---|---:|---:|',
    ...recordGrowth(before.records, after.records, fileGrowth, queries).map(
      (l) =>
        `| ${l.label} | ${l.rowsPerQuery === 0 ? '' : l.rowsPerQuery.toFixed(2)} | ${Math.round(l.bytesPerQuery).toLocaleString('en-US')} |`,
    ),
    '',
  ];
}

/** Sends `queries` queries, `concurrency` at a time, from device `first` on. */
async function send(
  network: { gatewayUrl: string; application: { apiKey: string } },
  first: number,
  queries: number,
  concurrency: number,
): Promise<void> {
  let next = first;
  const worker = async (): Promise<void> => {
    while (next < first + queries)
      await query(network.gatewayUrl, network.application.apiKey, deviceOf(next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Resolves once the book holds no trade still waiting for the ledger. @throws Error after 30 s */
async function tradesRecorded(bookPath: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const db = new Database(bookPath, { readonly: true, fileMustExist: true });
    const pending =
      db
        .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM trades WHERE status = 'PENDING'")
        .get()?.n ?? 0;
    db.close();
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} trade(s) still wait for the ledger`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function report(
  concurrency: number,
  queries: number,
  before: Footprint,
  after: Footprint,
): string[] {
  const total = growth(before.ledger, after.ledger).total + growth(before.book, after.book).total;
  return [
    `${queries.toLocaleString('en-US')} queries, ${concurrency} at a time: **${Math.round(total / queries).toLocaleString('en-US')} bytes per query** (${(((total / queries) * 1000) / 1e6).toFixed(2)} MB per 1,000)`,
    '',
    '| File / table | Bytes per query | Growth |',
    '|---|---:|---:|',
    ...tableLines('ledger', before.ledger, after.ledger, queries),
    ...tableLines('billing book', before.book, after.book, queries),
    '',
    ...recordLines(before, after, queries),
  ];
}

const footprint: Benchmark = {
  name: 'query-footprint',
  summary:
    'bytes on disk per charged single-device query of the 14 demo fields, in the embedded ledger and the billing book, table by table',
  async run({ quick, log }) {
    const queries = quick ? 200 : 1000;
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-footprint-'));
    try {
      seedDemoData(dir);
      // No scheduled anchoring pass during the run: what is measured is the queries' own cost.
      const network = await startDemoNetwork({
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        logger: silentLogger,
        anchorIntervalMs: 24 * 3_600_000,
      });
      const ledgerPath = join(dir, LEDGER_FILE);
      const bookPath = join(dir, BILLING_FILE);
      const measure = (): Footprint => ({
        ledger: measureTables(ledgerPath),
        book: measureTables(bookPath),
        records: measureLedgerRecords(ledgerPath),
      });
      const lines: string[] = [];
      try {
        const admin = createGraphqlClient({ url: network.registryUrl, apiKey: network.adminKey });
        await admin.request(
          'mutation ($app: ID!, $amount: Fen!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: "footprint-bench") { balanceFen } }',
          { app: network.application.appId, amount: 100_000_000 },
        );
        // One query of each device first, so that what is measured is the steady cost.
        await send(network, 0, INVERTERS, 1);
        let sent = INVERTERS;
        for (const concurrency of CONCURRENCY) {
          const before = measure();
          await send(network, sent, queries, concurrency);
          sent += queries;
          // Every trade charged is on the ledger before the files are measured.
          await tradesRecorded(bookPath);
          lines.push(...report(concurrency, queries, before, measure()));
          log(`${queries} queries sent, ${concurrency} at a time`);
        }
      } finally {
        await network.stop();
      }
      const fileSize = (path: string): number =>
        statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
      return [
        `Single-device queries of the demo's 14 fields (${INVERTERS} inverters in turn), each charged; no anchoring pass during the run. Growth of the pages in use (SQLite dbstat), per query.`,
        '',
        ...lines,
        `Files after the run, write-ahead logs included: ledger ${(fileSize(ledgerPath) / 1e6).toFixed(1)} MB, book ${(fileSize(bookPath) / 1e6).toFixed(1)} MB.`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The disk-footprint benchmark. */
export const benchmarks: readonly Benchmark[] = [footprint];
