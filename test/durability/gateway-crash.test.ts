import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteBillingStore } from '../../gateway/index.js';
import { createLedger, sameTrade } from '../../ledger-adapter/index.js';
import { OWNER_ONLY_FILE_MODE, silentLogger } from '../../schema/index.js';
import {
  DEMO_APPLICATION,
  seedDemoData,
  startDemoNetwork,
  startDemoSystems,
  type DemoSystems,
} from '../../scripts/demo/index.js';
import { runGridmark } from '../fixtures/gridmark-cli.js';

/**
 * Kills a real gateway process (`SIGKILL`: nothing runs on the way out) at random points of charged
 * queries, again and again, then starts it once more and checks that nothing charged was lost: every
 * trade the book holds is on the ledger exactly as the book holds it, or was refused and paid back;
 * every charge a client saw is among them; the book balances; `gridmark finance reconcile` passes.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/crash-gateway.ts', import.meta.url));
const KILLS = 22;
const DEVICES = [
  '88.1001.1/PVI-000001',
  '88.1001.1/PVI-000002',
  '88.1001.1/PVI-000003',
  '88.1001.1/PVI-000004',
];
const QUERY = (device: string) =>
  `{ device(id: "${device}") { model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW assetStatus assetValueFen } }`;

const dir = mkdtempSync(join(tmpdir(), 'gridmark-gateway-crash-'));
const dataDir = join(dir, 'demo');
const keyFile = join(dir, 'grant-key.pem');
let systems: DemoSystems | undefined;
let endpoints = '[]';
let gateway: ChildProcess | undefined;

interface Ready {
  readonly gatewayUrl: string;
  readonly registryUrl: string;
  readonly adminKey: string;
  readonly apiKey: string;
}

/** Starts the gateway process and resolves once it serves. */
async function startGateway(run: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, dataDir, keyFile, endpoints, `crash-top-up-${run}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  gateway = child;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`the gateway exited before serving (${signal ?? `code ${code}`})`)),
    );
    lines.once('line', (line) => resolve(JSON.parse(line) as Ready));
  });
  return { child, ready };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** What the clients saw. */
const seen = { sent: 0, charged: new Set<string>(), refused: 0, cutOff: 0, uncharged: 0 };

/** Charged queries from `clients` loops until `stop` is set; each answer is filed in `seen`. */
function traffic(ready: Ready, clients: number, state: { stop: boolean }): Promise<void[]> {
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${ready.apiKey}`,
    'x-gridmark-function': DEMO_APPLICATION.function,
    'x-gridmark-role': 'analyst',
  };
  const client = async (): Promise<void> => {
    while (!state.stop) {
      seen.sent++;
      try {
        const response = await fetch(ready.gatewayUrl, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: QUERY(DEVICES[randomInt(DEVICES.length)] as string) }),
        });
        const body = (await response.json()) as {
          data?: unknown;
          extensions?: { gridmark?: { charge?: { tradeId?: string | null } } };
        };
        const tradeId = body.extensions?.gridmark?.charge?.tradeId;
        if (tradeId) seen.charged.add(tradeId);
        else if (body.data) seen.uncharged++;
        else seen.refused++;
      } catch {
        seen.cutOff++;
        return;
      }
    }
  };
  return Promise.all(Array.from({ length: clients }, client));
}

beforeAll(async () => {
  seedDemoData(dataDir);
  const key = generateKeyPairSync('ed25519');
  writeFileSync(keyFile, key.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: OWNER_ONLY_FILE_MODE,
  });
  const gatewayPublicKeyPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  systems = await startDemoSystems({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: silentLogger,
    gatewayPublicKeyPem,
  });
  const served = systems.systems.map(({ name, title, url }) => ({ name, title, url }));
  endpoints = JSON.stringify(served);
  // The first start anchors every value, in this process; the systems outlive it and every gateway after it.
  const first = await startDemoNetwork({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: silentLogger,
    systems: served,
    startAnchoring: (name, credentials) =>
      (systems as DemoSystems).startAnchoring(name, credentials),
    grantKey: key.privateKey,
    anchorIntervalMs: 3_600_000,
  });
  await first.stop();
}, 180_000);

afterAll(async () => {
  if (gateway) {
    gateway.kill('SIGKILL');
    await exited(gateway);
  }
  await systems?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a gateway killed in the middle of charged queries', () => {
  it(`loses nothing charged across ${KILLS} kills: every trade is on the ledger once, or refused and paid back`, async () => {
    const kills: { afterMs: number; clients: number }[] = [];
    for (let run = 0; run < KILLS; run++) {
      const { child, ready } = await startGateway(String(run));
      // Some kills under load (queries at every stage at once), some a few milliseconds into one query.
      const clients = run % 3 === 0 ? 1 : 4;
      const afterMs = clients === 1 ? randomInt(0, 40) : randomInt(50, 600);
      // One query first, so that the kill falls among warm queries rather than into the first one's planning.
      const warm = { stop: false };
      const warming = traffic(ready, 1, warm);
      warm.stop = true;
      await warming;
      const state = { stop: false };
      const load = traffic(ready, clients, state);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      child.kill('SIGKILL');
      await exited(child);
      state.stop = true;
      await load;
      kills.push({ afterMs, clients });
    }

    // Once more, not killed: it sends what the outbox and the book kept, and reconciles.
    const { child, ready } = await startGateway('final');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const health = (await (await fetch(new URL('/healthz', ready.gatewayUrl))).json()) as {
        ledger?: { outboxBacklog?: number };
      };
      if (health.ledger?.outboxBacklog === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const adminKeyFile = join(dir, 'admin.key');
    writeFileSync(adminKeyFile, ready.adminKey, { mode: OWNER_ONLY_FILE_MODE });
    const reconcile = await runGridmark(ready.registryUrl, [
      'finance',
      'reconcile',
      '--key-file',
      adminKeyFile,
    ]);
    child.kill('SIGTERM');
    await exited(child);

    const book = openSqliteBillingStore({ path: join(dataDir, 'billing.db') });
    const ledger = await createLedger({ kind: 'embedded', path: join(dataDir, 'ledger.db') });
    try {
      const trades = await book.tradePage({
        from: '1970-01-01T00:00:00.000Z',
        to: new Date(Date.now() + 60_000).toISOString(),
        afterEntryId: 0,
        limit: 1_000_000,
      });
      const outcome = { recorded: 0, refunded: 0, lost: [] as string[] };
      for (const record of trades) {
        const onLedger = await ledger.getTrade(record.trade.tradeId);
        if (record.status === 'RECORDED' && onLedger && sameTrade(onLedger.trade, record.trade))
          outcome.recorded++;
        else if (record.status === 'REFUSED' && !onLedger && record.refundEntryId !== null)
          outcome.refunded++;
        else
          outcome.lost.push(
            `${record.trade.tradeId} ${record.status} ${onLedger ? 'on the ledger' : 'not on the ledger'}`,
          );
      }
      const inBook = new Set(trades.map((t) => t.trade.tradeId));
      const unknown = [...seen.charged].filter((id) => !inBook.has(id));
      process.stdout.write(
        `gateway crash test: ${KILLS} kills (${kills.filter((k) => k.clients === 1).length} a few ms into a single query, the others under 4 clients' load, ${Math.min(...kills.map((k) => k.afterMs))}-${Math.max(...kills.map((k) => k.afterMs))} ms after start); ` +
          `${seen.sent} queries sent: ${seen.charged.size} answered with a charge, ${seen.uncharged} answered free, ${seen.refused} refused, ${seen.cutOff} cut off by a kill; ` +
          `book: ${trades.length} trades, ${outcome.recorded} on the ledger as booked, ${outcome.refunded} refused and refunded, ${outcome.lost.length} lost; reconcile exit ${reconcile.code}\n`,
      );
      expect(outcome.lost).toEqual([]);
      expect(unknown).toEqual([]);
      expect(trades.length).toBeGreaterThanOrEqual(seen.charged.size);
      // Enough happened for the test to mean something: trades were charged and some queries were cut off mid-way.
      expect(seen.charged.size).toBeGreaterThan(KILLS);
      expect(seen.cutOff).toBeGreaterThan(0);
      expect(await book.pendingTrades(10)).toEqual([]);
      expect(await book.check()).toMatchObject({
        sumOfBalancesFen: 0,
        unbalancedEntries: [],
        driftedAccounts: [],
      });
      expect(reconcile.stderr).toBe('');
      expect(reconcile).toMatchObject({ code: 0 });
      expect(reconcile.stdout).toContain('reconciled: every one of the');
    } finally {
      await book.close();
      await ledger.close();
    }
  }, 600_000);
});
