/**
 * `npm run bench -- query-footprint`: what one charged query costs on disk. Seeds the demo plant
 * in a temporary directory, starts the demo network as `npm start` does (business systems, gateway,
 * embedded ledger, billing book), sends single-device queries of the demo's 14 fields as the
 * O&M engineer, and measures the ledger and the book table by table before and after.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphqlClient, silentLogger } from '../../schema/index.js';
import { DEMO_APPLICATION } from '../demo-application.js';
import { BILLING_FILE, LEDGER_FILE, seedDemoData } from '../demo-data.js';
import { startDemoNetwork } from '../demo-network.js';
import type { Benchmark } from './benchmark.js';
import { growth, measureTables, type TableFootprint } from './disk-footprint.js';

const FIELDS = 'id kind heldBy model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW lastReadingAt maintenanceRecords { time fault remedy } assetStatus assetValueFen';
const INVERTERS = 8;
const CONCURRENCY = 4;
const REQUEST_TIMEOUT_MS = 30_000;

const deviceOf = (i: number): string => `88.1001.1/PVI-${String((i % INVERTERS) + 1).padStart(6, '0')}`;

async function query(url: string, apiKey: string, deviceId: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'x-gridmark-function': DEMO_APPLICATION.function, 'x-gridmark-role': 'om-engineer' },
    body: JSON.stringify({ query: `{ device(id: ${JSON.stringify(deviceId)}) { ${FIELDS} } }` }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { errors?: unknown[]; extensions?: { gridmark?: { charge?: unknown } } };
  if (!response.ok || body.errors) throw new Error(`query for ${deviceId} failed: ${response.status} ${JSON.stringify(body.errors)}`);
}

function tableLines(label: string, before: TableFootprint, after: TableFootprint, queries: number): string[] {
  const grown = growth(before, after);
  return [
    `| ${label} | **${Math.round(grown.total / queries).toLocaleString('en-US')}** | ${(grown.total / 1e6).toFixed(2)} MB |`,
    ...grown.byTable.map(([name, bytes]) => `| &nbsp;&nbsp;${name} | ${Math.round(bytes / queries).toLocaleString('en-US')} | ${(bytes / 1e6).toFixed(2)} MB |`),
  ];
}

const footprint: Benchmark = {
  name: 'query-footprint',
  summary: 'bytes on disk per charged single-device query of the 14 demo fields, in the embedded ledger and the billing book, table by table',
  async run({ quick, log }) {
    const queries = quick ? 200 : 1000;
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-footprint-'));
    try {
      seedDemoData(dir);
      // No scheduled anchoring pass during the run: what is measured is the queries' own cost.
      const network = await startDemoNetwork({ port: 0, host: '127.0.0.1', dataDir: dir, logger: silentLogger, anchorIntervalMs: 24 * 3_600_000 });
      const ledgerPath = join(dir, LEDGER_FILE);
      const bookPath = join(dir, BILLING_FILE);
      let before: { ledger: TableFootprint; book: TableFootprint };
      try {
        const admin = createGraphqlClient({ url: network.registryUrl, apiKey: network.adminKey });
        await admin.request('mutation ($app: ID!, $amount: Fen!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: "footprint-bench") { balanceFen } }', { app: network.application.appId, amount: 100_000_000 });
        // One query of each device first, so that what is measured is the steady cost.
        for (let i = 0; i < INVERTERS; i++) await query(network.gatewayUrl, network.application.apiKey, deviceOf(i));
        before = { ledger: measureTables(ledgerPath), book: measureTables(bookPath) };
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < queries) await query(network.gatewayUrl, network.application.apiKey, deviceOf(next++));
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        log(`${queries} queries sent`);
      } finally {
        await network.stop();
      }
      // After stop: every trade the book queued is on the ledger, and the files are closed.
      const after = { ledger: measureTables(ledgerPath), book: measureTables(bookPath) };
      const fileSize = (path: string): number => statSync(path).size;
      const total = growth(before.ledger, after.ledger).total + growth(before.book, after.book).total;
      return [
        `${queries.toLocaleString('en-US')} single-device queries of the demo's 14 fields (${INVERTERS} inverters in turn, ${CONCURRENCY} at a time), each charged; no anchoring pass during the run.`,
        'Growth of the pages in use (SQLite dbstat), per query:',
        '',
        '| File / table | Bytes per query | Growth |',
        '|---|---:|---:|',
        ...tableLines('ledger', before.ledger, after.ledger, queries),
        ...tableLines('billing book', before.book, after.book, queries),
        '',
        `Together: **${Math.round(total / queries).toLocaleString('en-US')} bytes per query** (${((total / queries) * 1000 / 1e6).toFixed(2)} MB per 1,000). Files after the run: ledger ${(fileSize(ledgerPath) / 1e6).toFixed(1)} MB, book ${(fileSize(bookPath) / 1e6).toFixed(1)} MB.`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The disk-footprint benchmark. */
export const benchmarks: readonly Benchmark[] = [footprint];
