/**
 * Trade recording benchmark (`npm run bench -- trades`): trade contracts per second sustained
 * from an outbox through the trade recorder into the embedded ledger, in a temporary directory.
 * Fields, catalog, a rule and resolutions are set up first through the adapter; then producers
 * add trades to the outbox as fast as the recorder takes them (keeping a backlog of a few
 * batches, as a gateway charging faster than the ledger records would) and poke the recorder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTradeRecorder } from '../../gateway/billing/trade-recorder.js';
import { createLedgerAdapter, type LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { TradeReceipt } from '../../ledger-adapter/contract/records.js';
import { verifyTradeReceipt } from '../../ledger-adapter/contract/trades.js';
import { createEmbeddedLedger, type EmbeddedLedger } from '../../ledger-adapter/embedded/index.js';
import { openTradeMarket, type TradeMarket } from '../../ledger-adapter/testing/trade-fixtures.js';
import { silentLogger } from '../../schema/logger.js';
import type { Benchmark } from './benchmark.js';
import { openSqliteBillingStore } from '../../gateway/billing/sqlite/sqlite-billing-store.js';
import { bookTradeOutbox } from './book-trade-outbox.js';
import { createMemoryTradeOutbox, type FillableTradeOutbox } from './memory-trade-outbox.js';

const BATCH = 500;
const PRODUCERS = 4;
/** Trades a producer adds at a time. */
const CHUNK = 25;
/** Pending trades beyond which producers wait for the recorder. */
const MAX_BACKLOG = 4 * BATCH;
const RESOLUTIONS = 2_000;
const SYSTEMS = 3;
const DEVICES_PER_TRADE = 2;
const PACED_RATE = 500;

/** Keeps the trade ids of successive measurements on one ledger apart. */
let runs = 0;

/** What {@link measureTradeRecording} found. */
export interface TradeRecordingFigures {
  readonly seconds: number;
  readonly trades: number;
  readonly refused: number;
  readonly transactions: number;
  readonly blocks: bigint;
  /** Outbox to receipt, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly cpuSeconds: number;
  /** Sampled receipts that proved their trades, of those sampled. */
  readonly proven: readonly [number, number];
}

/**
 * Runs producers that fill `outbox` with trades for `market`'s resolutions for `seconds`, a trade
 * recorder that moves them to `adapter`, and measures. Any {@link FillableTradeOutbox} does: an
 * in-memory one, or the billing book's durable one.
 */
export async function measureTradeRecording(
  outbox: FillableTradeOutbox,
  options: {
    readonly adapter: LedgerAdapter;
    readonly ledger: EmbeddedLedger;
    readonly market: TradeMarket;
    readonly seconds: number;
    /** Trades added per second by one paced producer; without it, producers add as fast as the recorder takes them. */
    readonly rate?: number;
  },
): Promise<TradeRecordingFigures> {
  const { adapter, ledger, market, seconds, rate } = options;
  const addedAt = new Map<string, number>();
  const latencies: number[] = [];
  let trades = 0;
  let refused = 0;
  const sample: { trade: ReturnType<TradeMarket['trade']>; receipt?: TradeReceipt }[] = [];
  // The outbox as the recorder sees it, timing each trade from its addition to its receipt.
  const timed: FillableTradeOutbox = {
    add: (list) => outbox.add(list),
    backlog: () => outbox.backlog(),
    pending: (limit) => outbox.pending(limit),
    async recorded(receipts) {
      await outbox.recorded(receipts);
      const now = performance.now();
      for (const r of receipts) {
        latencies.push(now - (addedAt.get(r.tradeId) ?? now));
        addedAt.delete(r.tradeId);
      }
      trades += receipts.length;
      for (const s of sample) if (!s.receipt) s.receipt = receipts.find((r) => r.tradeId === s.trade.tradeId);
    },
    async refused(tradeId, code, message) {
      await outbox.refused(tradeId, code, message);
      addedAt.delete(tradeId);
      refused += 1;
    },
  };
  const recorder = createTradeRecorder({ ledger: adapter, outbox: timed, logger: silentLogger, batchSize: BATCH });
  const submissionsBefore = adapter.stats.submissions;
  const heightBefore = ledger.height;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let serial = 0;
  runs += 1;
  const prefix = `TB${runs}-`;
  const producer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const due = rate === undefined ? 0 : started + (serial / rate) * 1000;
      if (due > performance.now()) {
        await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        continue;
      }
      if ((await outbox.backlog()) >= MAX_BACKLOG) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const chunk = Array.from({ length: CHUNK }, () => {
        serial += 1;
        return market.trade(`${prefix}${serial}`, market.resolutionIds[serial % market.resolutionIds.length] as string);
      });
      const now = performance.now();
      for (const t of chunk) addedAt.set(t.tradeId, now);
      if (serial % 500 < CHUNK && sample.length < 50) sample.push({ trade: chunk[0] as (typeof chunk)[0] });
      await timed.add(chunk);
      recorder.poke();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: rate === undefined ? PRODUCERS : 1 }, producer));
  const producedFor = (performance.now() - started) / 1000;
  await recorder.flush();
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await recorder.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const proven = sample.filter((s) => s.receipt && verifyTradeReceipt(s.trade, s.receipt)).length;
  return {
    seconds: Math.max(elapsed, producedFor),
    trades,
    refused,
    transactions: adapter.stats.submissions - submissionsBefore,
    blocks: ledger.height - heightBefore,
    p50: at(0.5),
    p99: at(0.99),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    proven: [proven, sample.length],
  };
}

const tradesBenchmark: Benchmark = {
  name: 'trades',
  summary: `trade contracts per second from an outbox through the trade recorder into the embedded ledger (batches of ${BATCH}, ${PRODUCERS} producers, each trade ${DEVICES_PER_TRADE} devices × ${SYSTEMS * 3} fields, ${SYSTEMS} payees)`,
  async run({ quick, log }) {
    const seconds = quick ? 3 : 10;
    const loadBefore = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-trades-bench-'));
    const ledger = createEmbeddedLedger({ path: join(dir, 'ledger.db') });
    const adapter = await createLedgerAdapter(ledger);
    try {
      const market = await openTradeMarket(adapter, { tag: 1, systems: SYSTEMS, resolutions: RESOLUTIONS, devicesPerResolution: DEVICES_PER_TRADE });
      log(`${RESOLUTIONS} resolutions recorded; producing trades for ${seconds} s`);
      const n = (x: number): string => Math.round(x).toLocaleString('en-US');
      const row = (label: string, r: TradeRecordingFigures): string =>
        `| ${label} | ${n(r.trades / r.seconds)} | ${n(r.trades)} | ${r.refused} | ${n(r.transactions)} | ${(r.trades / Math.max(1, r.transactions)).toFixed(0)} | ${r.blocks} | ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} | ${((r.cpuSeconds * 1e6) / Math.max(1, r.trades)).toFixed(0)} |`;
      const saturated = await measureTradeRecording(createMemoryTradeOutbox(), { adapter, ledger, market, seconds });
      log(`as fast as recorded: ${n(saturated.trades / saturated.seconds)} trades/s`);
      const paced = await measureTradeRecording(createMemoryTradeOutbox(), { adapter, ledger, market, seconds, rate: PACED_RATE });
      log(`paced at ${PACED_RATE}/s: p50 ${paced.p50.toFixed(0)} ms`);
      // Through the billing book: each trade is a query's charge (hold + charge), its outbox durable.
      const book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
      await book.openAccount(market.applicationId, 'APPLICATION');
      await book.topUp({ accountId: market.applicationId, amountFen: 1e15, paymentReference: 'bench', memo: 'benchmark funds' });
      const booked = await measureTradeRecording(bookTradeOutbox(book), { adapter, ledger, market, seconds });
      const bookCheck = await book.check();
      await book.close();
      log(`through the billing book: ${n(booked.trades / booked.seconds)} trades/s`);
      const proven = [saturated.proven[0] + paced.proven[0], saturated.proven[1] + paced.proven[1]] as const;
      return [
        `${seconds} s of production per phase, then the backlog flushed; in-memory outbox; synchronous=FULL (one fsync per block); load average before: ${loadBefore}.`,
        `Trades cycle over ${RESOLUTIONS.toLocaleString('en-US')} recorded resolutions; each is checked by the contract against its resolution's fee standards.`,
        `Saturated: ${PRODUCERS} producers keep up to ${MAX_BACKLOG.toLocaleString('en-US')} trades waiting, so the time to receipt is mostly that backlog. Paced: one producer adds ${PACED_RATE} trades a second.`,
        'CPU is the whole process (producers, recorder, contract, block writing on the worker thread).',
        '',
        '| Phase | Trades/s | Trades | Refused | Transactions | Trades/transaction | Blocks | Outbox to receipt p50 / p99 (ms) | CPU per trade (µs) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
        row('saturated', saturated),
        row(`paced, ${PACED_RATE}/s`, paced),
        row('saturated, charged through the billing book (SQLite)', booked),
        '',
        `The billing book after its phase: balances sum to ${bookCheck.sumOfBalancesFen} fen, ${bookCheck.unbalancedEntries.length} unbalanced entries.`,
        `Sampled receipts proving their trades (verifyTradeReceipt): ${proven[0]} of ${proven[1]}.`,
      ];
    } finally {
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The trade recording benchmark. */
export const benchmarks: readonly Benchmark[] = [tradesBenchmark];
