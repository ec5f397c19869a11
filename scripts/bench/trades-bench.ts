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
import {
  linkBookToLedger,
  openSqliteBillingStore,
  type BillingStore,
} from '../../gateway/index.js';
import {
  createLedgerAdapter,
  verifyTradeReceipt,
  createEmbeddedLedger,
  openLedgerOutbox,
  type LedgerAdapter,
  type Trade,
  type TradeReceipt,
  type EmbeddedLedger,
  type LedgerOutbox,
} from '../../ledger-adapter/index.js';
import { openTradeMarket, type TradeMarket } from '../../ledger-adapter/testing/index.js';
import { silentLogger } from '../../schema/index.js';
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

/** What {@link measureTradeRecording} measures over. */
export interface TradeRecordingOptions {
  readonly adapter: LedgerAdapter;
  readonly ledger: EmbeddedLedger;
  readonly market: TradeMarket;
  readonly seconds: number;
  /** Trades added per second by one paced producer; without it, producers add as fast as the outbox takes them. */
  readonly rate?: number;
}

/**
 * Runs producers that append trades for `market`'s resolutions to `outbox` for `seconds`, while the
 * outbox moves them to `adapter`, and measures from each append to its settlement.
 */
export function measureTradeRecording(
  outbox: LedgerOutbox,
  add: AddTrades,
  options: TradeRecordingOptions,
): Promise<TradeRecordingFigures> {
  runs += 1;
  return new TradeRecording(outbox, options, `TB${runs}-`).measure(add);
}

/** One measurement: the trades added, when, and what the outbox settled. */
class TradeRecording {
  readonly #outbox: LedgerOutbox;
  readonly #options: TradeRecordingOptions;
  readonly #prefix: string;
  readonly #addedAt = new Map<string, number>();
  readonly #latencies: number[] = [];
  readonly #sample: { trade: Trade; receipt?: TradeReceipt }[] = [];
  #trades = 0;
  #refused = 0;
  #serial = 0;

  constructor(outbox: LedgerOutbox, options: TradeRecordingOptions, prefix: string) {
    this.#outbox = outbox;
    this.#options = options;
    this.#prefix = prefix;
  }

  async measure(add: AddTrades): Promise<TradeRecordingFigures> {
    const { adapter, ledger, seconds, rate } = this.#options;
    const unhook = this.#outbox.onSettled('trade', (settled) => this.#settled(settled));
    const submissionsBefore = adapter.stats.submissions;
    const heightBefore = ledger.height;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: rate === undefined ? PRODUCERS : 1 }, () =>
        this.#produce(add, started, deadline),
      ),
    );
    const producedFor = (performance.now() - started) / 1000;
    await this.#outbox.flush(120_000);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    unhook();
    const latencies = this.#latencies.sort((a, b) => a - b);
    const at = (q: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return {
      seconds: Math.max(elapsed, producedFor),
      trades: this.#trades,
      refused: this.#refused,
      transactions: adapter.stats.submissions - submissionsBefore,
      blocks: ledger.height - heightBefore,
      p50: at(0.5),
      p99: at(0.99),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      proven: [await this.#provenSamples(), this.#sample.length],
    };
  }

  #settled(settled: Parameters<Parameters<LedgerOutbox['onSettled']>[1]>[0]): void {
    const now = performance.now();
    for (const { stored, outcome } of settled) {
      if (stored.record.kind !== 'trade') continue;
      const { tradeId } = stored.record.body;
      if (outcome.status === 'refused') this.#refused += 1;
      else {
        this.#trades += 1;
        this.#latencies.push(now - (this.#addedAt.get(tradeId) ?? now));
        const sampled = this.#sample.find((s) => s.trade.tradeId === tradeId);
        if (sampled && outcome.receipt) sampled.receipt = outcome.receipt;
      }
      this.#addedAt.delete(tradeId);
    }
  }

  /** One producer: adds trades a chunk at a time until the deadline, paced or as the backlog allows. */
  async #produce(add: AddTrades, started: number, deadline: number): Promise<void> {
    const { market, rate } = this.#options;
    while (performance.now() < deadline) {
      const due = rate === undefined ? 0 : started + (this.#serial / rate) * 1000;
      if (due > performance.now()) {
        await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        continue;
      }
      if (this.#outbox.backlog >= MAX_BACKLOG) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const chunk = Array.from({ length: CHUNK }, () => {
        this.#serial += 1;
        return market.trade(
          `${this.#prefix}${this.#serial}`,
          market.resolutionIds[this.#serial % market.resolutionIds.length] as string,
        );
      });
      const now = performance.now();
      for (const t of chunk) this.#addedAt.set(t.tradeId, now);
      if (this.#serial % 500 < CHUNK && this.#sample.length < 50)
        this.#sample.push({ trade: chunk[0] as Trade });
      await add(this.#outbox, chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The sampled receipts that prove their trades. */
  async #provenSamples(): Promise<number> {
    const { adapter } = this.#options;
    // The book dates a charged trade itself: a sampled receipt proves the trade as recorded, so compare by id and re-read it.
    const verdicts = await Promise.all(
      this.#sample.map(async (s) =>
        s.receipt
          ? verifyTradeReceipt(
              (await adapter.getTrade(s.trade.tradeId))?.trade ?? s.trade,
              s.receipt,
            )
          : false,
      ),
    );
    return verdicts.filter(Boolean).length;
  }
}

/** The book's state after its phase, for the report. */
interface BookAfter {
  readonly sumOfBalancesFen: number;
  readonly unbalancedEntries: number;
  readonly pending: number;
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
      const options = { adapter, ledger, market, seconds };
      const memory = openLedgerOutbox({ ledger: adapter, logger: silentLogger });
      const saturated = await measureTradeRecording(memory, appendToOutbox, options);
      log(`as fast as recorded: ${perSecond(saturated)} trades/s`);
      const paced = await measureTradeRecording(memory, appendToOutbox, {
        ...options,
        rate: PACED_RATE,
      });
      await memory.close();
      log(`paced at ${PACED_RATE}/s: p50 ${paced.p50.toFixed(0)} ms`);
      const { booked, book } = await measureThroughBook(dir, options);
      log(`through the billing book: ${perSecond(booked)} trades/s`);
      return tradesReport({ seconds, loadBefore, saturated, paced, booked, book });
    } finally {
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** Through the billing book and the outbox's file: each trade is a query's charge, durable twice. */
async function measureThroughBook(
  dir: string,
  options: TradeRecordingOptions,
): Promise<{ booked: TradeRecordingFigures; book: BookAfter }> {
  const { adapter, market } = options;
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
  const booked = await measureTradeRecording(durable, chargeThroughBook(book), options);
  link.disconnect();
  await durable.close();
  const bookCheck = await book.check();
  const pending = await book.pendingCount();
  await book.close();
  return {
    booked,
    book: {
      sumOfBalancesFen: bookCheck.sumOfBalancesFen,
      unbalancedEntries: bookCheck.unbalancedEntries.length,
      pending,
    },
  };
}

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function perSecond(r: TradeRecordingFigures): string {
  return n(r.trades / r.seconds);
}

function tradesReport(figures: {
  readonly seconds: number;
  readonly loadBefore: string;
  readonly saturated: TradeRecordingFigures;
  readonly paced: TradeRecordingFigures;
  readonly booked: TradeRecordingFigures;
  readonly book: BookAfter;
}): string[] {
  const { seconds, loadBefore, saturated, paced, booked, book } = figures;
  const row = (label: string, r: TradeRecordingFigures): string =>
    `| ${label} | ${perSecond(r)} | ${n(r.trades)} | ${r.refused} | ${n(r.transactions)} | ${(r.trades / Math.max(1, r.transactions)).toFixed(0)} | ${r.blocks} | ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} | ${((r.cpuSeconds * 1e6) / Math.max(1, r.trades)).toFixed(0)} |`;
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
    `The billing book after its phase: balances sum to ${book.sumOfBalancesFen} fen, ${book.unbalancedEntries} unbalanced entries, ${book.pending} trade(s) still pending.`,
    `Sampled receipts proving their trades (verifyTradeReceipt): ${proven[0]} of ${proven[1]}.`,
  ];
}

/** The trade recording benchmark. */
export const benchmarks: readonly Benchmark[] = [tradesBenchmark];
