/**
 * Trade recording benchmark (`npm run bench -- trades`): trade contracts per second sustained
 * through the ledger outbox into the embedded ledger, in a temporary directory. Fields, catalog,
 * a rule and resolutions are set up first through the adapter; then producers append trades to
 * the outbox as fast as it takes them (keeping a backlog of a few rounds, as a gateway charging
 * faster than the ledger records would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkBookToLedger } from '../../gateway/billing/book-ledger-link.js';
import type { BillingStore } from '../../gateway/billing/billing-store.js';
import { openSqliteBillingStore } from '../../gateway/billing/sqlite/sqlite-billing-store.js';
import { createLedgerAdapter, type LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { Trade, TradeReceipt } from '../../ledger-adapter/contract/records.js';
import { verifyTradeReceipt } from '../../ledger-adapter/contract/trades.js';
import { createEmbeddedLedger, type EmbeddedLedger } from '../../ledger-adapter/embedded/index.js';
import { openLedgerOutbox, type LedgerOutbox } from '../../ledger-adapter/outbox/index.js';
import { openTradeMarket, type TradeMarket } from '../../ledger-adapter/testing/trade-fixtures.js';
import { silentLogger } from '../../schema/logger.js';
import type { Benchmark } from './benchmark.js';

const BATCH = 1_000;
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

/** How a phase appends trades: straight to the outbox, or charged through the billing book first. */
type AddTrades = (outbox: LedgerOutbox, trades: readonly Trade[]) => Promise<void>;

const appendToOutbox: AddTrades = (outbox, trades) => {
  outbox.appendAll(trades.map((body) => ({ kind: 'trade' as const, body })));
  return Promise.resolve();
};

/** Each trade is a query's charge (hold + charge, two SQLite transactions), then its append: the figure includes the book's share. */
function chargeThroughBook(book: BillingStore): AddTrades {
  return async (outbox, trades) => {
    for (const trade of trades) {
      await book.hold({
        holdId: trade.tradeId,
        accountId: trade.applicationId,
        amountFen: trade.amountFen,
      });
      const charged = await book.charge(trade.tradeId, trade, 'benchmark');
      void outbox.append({ kind: 'trade', body: charged.trade }).catch(() => undefined);
    }
  };
}

/**
 * Runs producers that append trades for `market`'s resolutions to `outbox` for `seconds`, while the
 * outbox moves them to `adapter`, and measures from each append to its settlement.
 */
export async function measureTradeRecording(
  outbox: LedgerOutbox,
  add: AddTrades,
  options: {
    readonly adapter: LedgerAdapter;
    readonly ledger: EmbeddedLedger;
    readonly market: TradeMarket;
    readonly seconds: number;
    /** Trades added per second by one paced producer; without it, producers add as fast as the outbox takes them. */
    readonly rate?: number;
  },
): Promise<TradeRecordingFigures> {
  const { adapter, ledger, market, seconds, rate } = options;
  const addedAt = new Map<string, number>();
  const latencies: number[] = [];
  let trades = 0;
  let refused = 0;
  const sample: { trade: Trade; receipt?: TradeReceipt }[] = [];
  const unhook = outbox.onSettled('trade', (settled) => {
    const now = performance.now();
    for (const { stored, outcome } of settled) {
      if (stored.record.kind !== 'trade') continue;
      const { tradeId } = stored.record.body;
      if (outcome.status === 'refused') refused += 1;
      else {
        trades += 1;
        latencies.push(now - (addedAt.get(tradeId) ?? now));
        const sampled = sample.find((s) => s.trade.tradeId === tradeId);
        if (sampled && outcome.receipt) sampled.receipt = outcome.receipt;
      }
      addedAt.delete(tradeId);
    }
  });
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
      if (outbox.backlog >= MAX_BACKLOG) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const chunk = Array.from({ length: CHUNK }, () => {
        serial += 1;
        return market.trade(
          `${prefix}${serial}`,
          market.resolutionIds[serial % market.resolutionIds.length] as string,
        );
      });
      const now = performance.now();
      for (const t of chunk) addedAt.set(t.tradeId, now);
      if (serial % 500 < CHUNK && sample.length < 50) sample.push({ trade: chunk[0] as Trade });
      await add(outbox, chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: rate === undefined ? PRODUCERS : 1 }, producer));
  const producedFor = (performance.now() - started) / 1000;
  await outbox.flush(120_000);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  unhook();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  // The book dates a charged trade itself: a sampled receipt proves the trade as recorded, so compare by id and re-read it.
  const proven = (
    await Promise.all(
      sample.map(async (s) =>
        s.receipt
          ? verifyTradeReceipt(
              (await adapter.getTrade(s.trade.tradeId))?.trade ?? s.trade,
              s.receipt,
            )
          : false,
      ),
    )
  ).filter(Boolean).length;
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
  summary: `trade contracts per second through the ledger outbox into the embedded ledger (up to ${BATCH} per transaction, ${PRODUCERS} producers, each trade ${DEVICES_PER_TRADE} devices × ${SYSTEMS * 3} fields, ${SYSTEMS} payees)`,
  async run({ quick, log }) {
    const seconds = quick ? 3 : 10;
    const loadBefore = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-trades-bench-'));
    const ledger = createEmbeddedLedger({ path: join(dir, 'ledger.db') });
    const adapter = await createLedgerAdapter(ledger);
    try {
      const market = await openTradeMarket(adapter, {
        tag: 1,
        systems: SYSTEMS,
        resolutions: RESOLUTIONS,
        devicesPerResolution: DEVICES_PER_TRADE,
      });
      log(`${RESOLUTIONS} resolutions recorded; producing trades for ${seconds} s`);
      const n = (x: number): string => Math.round(x).toLocaleString('en-US');
      const row = (label: string, r: TradeRecordingFigures): string =>
        `| ${label} | ${n(r.trades / r.seconds)} | ${n(r.trades)} | ${r.refused} | ${n(r.transactions)} | ${(r.trades / Math.max(1, r.transactions)).toFixed(0)} | ${r.blocks} | ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} | ${((r.cpuSeconds * 1e6) / Math.max(1, r.trades)).toFixed(0)} |`;
      const memory = openLedgerOutbox({ ledger: adapter, logger: silentLogger });
      const saturated = await measureTradeRecording(memory, appendToOutbox, {
        adapter,
        ledger,
        market,
        seconds,
      });
      log(`as fast as recorded: ${n(saturated.trades / saturated.seconds)} trades/s`);
      const paced = await measureTradeRecording(memory, appendToOutbox, {
        adapter,
        ledger,
        market,
        seconds,
        rate: PACED_RATE,
      });
      await memory.close();
      log(`paced at ${PACED_RATE}/s: p50 ${paced.p50.toFixed(0)} ms`);
      // Through the billing book and the outbox's file: each trade is a query's charge, durable twice.
      const book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
      const durable = openLedgerOutbox({
        ledger: adapter,
        path: join(dir, 'outbox.db'),
        logger: silentLogger,
      });
      const link = await linkBookToLedger(book, durable, silentLogger);
      await book.openAccount(market.applicationId, 'APPLICATION');
      await book.topUp({
        accountId: market.applicationId,
        amountFen: 1e15,
        paymentReference: 'bench',
        memo: 'benchmark funds',
      });
      const booked = await measureTradeRecording(durable, chargeThroughBook(book), {
        adapter,
        ledger,
        market,
        seconds,
      });
      link.disconnect();
      await durable.close();
      const bookCheck = await book.check();
      const pendingInBook = await book.pendingCount();
      await book.close();
      log(`through the billing book: ${n(booked.trades / booked.seconds)} trades/s`);
      const proven = [
        saturated.proven[0] + paced.proven[0],
        saturated.proven[1] + paced.proven[1],
      ] as const;
      return [
        `${seconds} s of production per phase, then the backlog flushed; the first two phases with the outbox in memory, the third with its file; ledger synchronous=FULL (one fsync per block); load average before: ${loadBefore}.`,
        `Trades cycle over ${RESOLUTIONS.toLocaleString('en-US')} recorded resolutions; each is checked by the contract against its resolution's fee standards.`,
        `Saturated: ${PRODUCERS} producers keep up to ${MAX_BACKLOG.toLocaleString('en-US')} trades waiting, so the time to receipt is mostly that backlog. Paced: one producer adds ${PACED_RATE} trades a second.`,
        'CPU is the whole process (producers, outbox, contract, block writing on the worker thread).',
        '',
        '| Phase | Trades/s | Trades | Refused | Transactions | Trades/transaction | Blocks | Outbox to receipt p50 / p99 (ms) | CPU per trade (µs) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
        row('saturated', saturated),
        row(`paced, ${PACED_RATE}/s`, paced),
        row('saturated, charged through the billing book and the outbox file (SQLite)', booked),
        '',
        `The billing book after its phase: balances sum to ${bookCheck.sumOfBalancesFen} fen, ${bookCheck.unbalancedEntries.length} unbalanced entries, ${pendingInBook} trade(s) still pending.`,
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
