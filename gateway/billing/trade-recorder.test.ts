import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { Trade, TradeReceipt } from '../../ledger-adapter/contract/records.js';
import { verifyTradeReceipt } from '../../ledger-adapter/contract/trades.js';
import { createLedger } from '../../ledger-adapter/create-ledger.js';
import { tempDir } from '../../ledger-adapter/embedded/test-fixtures.js';
import { openTradeMarket, type TradeMarket } from '../../ledger-adapter/testing/trade-fixtures.js';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import { createTradeRecorder, type TradeOutbox, type TradeRecorder } from './trade-recorder.js';

/** An outbox in memory, oldest first, that keeps what it was told. */
class MemoryOutbox implements TradeOutbox {
  readonly trades = new Map<string, { trade: Trade; status: 'PENDING' | 'RECORDED' | 'REFUSED'; receipt?: TradeReceipt; refusal?: string }>();
  /** Makes `recorded` fail, as a process would that crashed after the ledger recorded. */
  failRecorded = false;

  add(trades: readonly Trade[]): void {
    for (const trade of trades) this.trades.set(trade.tradeId, { trade, status: 'PENDING' });
  }
  pending(limit: number): Promise<readonly Trade[]> {
    return Promise.resolve([...this.trades.values()].filter((t) => t.status === 'PENDING').slice(0, limit).map((t) => t.trade));
  }
  recorded(receipts: readonly TradeReceipt[]): Promise<void> {
    if (this.failRecorded) {
      return Promise.reject(new Error('the process stopped before the receipts were stored'));
    }
    for (const receipt of receipts) Object.assign(this.trades.get(receipt.tradeId) ?? {}, { status: 'RECORDED', receipt });
    return Promise.resolve();
  }
  refused(tradeId: string, code: string, message: string): Promise<void> {
    Object.assign(this.trades.get(tradeId) ?? {}, { status: 'REFUSED', refusal: `${code}: ${message}` });
    return Promise.resolve();
  }
}

/** The ledger's `recordTrades`, counted, and unreachable while `down`. */
function switchableLedger(ledger: LedgerAdapter): Pick<LedgerAdapter, 'recordTrades'> & { down: boolean; calls: number; firstReceipts: Map<string, TradeReceipt> } {
  const wrapper = {
    down: false,
    calls: 0,
    firstReceipts: new Map<string, TradeReceipt>(),
    async recordTrades(trades: readonly Trade[]) {
      wrapper.calls += 1;
      if (wrapper.down) throw new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger did not answer the RecordTrades call.');
      const result = await ledger.recordTrades(trades);
      for (const r of result.receipts) if (!wrapper.firstReceipts.has(r.tradeId)) wrapper.firstReceipts.set(r.tradeId, r);
      return result;
    },
  };
  return wrapper;
}

describe('trade recorder', () => {
  const tmp = tempDir();
  let ledger: LedgerAdapter;
  let market: TradeMarket;
  let recorder: TradeRecorder | undefined;
  let serial = 0;
  /** `count` new trades, each paying for one of the market's resolutions. */
  const newTrades = (count: number): Trade[] =>
    Array.from({ length: count }, () => {
      serial += 1;
      return market.trade(`TR-${serial}`, market.resolutionIds[serial % market.resolutionIds.length] as string);
    });

  beforeAll(async () => {
    ledger = await createLedger({ kind: 'embedded', path: join(tmp.dir, 'ledger.db') });
    market = await openTradeMarket(ledger, { tag: 1, resolutions: 50 });
  });
  afterEach(async () => {
    await recorder?.stop();
    recorder = undefined;
  });
  afterAll(async () => {
    await ledger?.close();
    tmp.remove();
  });

  it('records many trades in few transactions, each with a receipt that proves it', async () => {
    const outbox = new MemoryOutbox();
    const counted = switchableLedger(ledger);
    const started = createTradeRecorder({ ledger: counted, outbox, logger: silentLogger });
    recorder = started;
    const trades = newTrades(1_200);
    outbox.add(trades);
    started.poke();
    const receipts = await Promise.all(trades.map((t) => started.receipt(t.tradeId, 20_000)));
    expect(counted.calls).toBe(3);
    expect(receipts.every((r, i) => verifyTradeReceipt(trades[i] as Trade, r))).toBe(true);
    expect(new Set(receipts.map((r) => r.txId)).size).toBe(3);
    expect([...outbox.trades.values()].every((t) => t.status === 'RECORDED')).toBe(true);
    expect(await ledger.getTrade(trades[700]?.tradeId as string)).toEqual({ trade: trades[700], receipt: receipts[700] });
  });

  it('waits a few milliseconds for more trades, so trades poked one by one share a transaction', async () => {
    const outbox = new MemoryOutbox();
    const counted = switchableLedger(ledger);
    recorder = createTradeRecorder({ ledger: counted, outbox, logger: silentLogger, lingerMs: 20 });
    for (const trade of newTrades(30)) {
      outbox.add([trade]);
      recorder.poke();
    }
    await recorder.flush();
    expect(counted.calls).toBe(1);
    expect([...outbox.trades.values()].filter((t) => t.status === 'RECORDED')).toHaveLength(30);
  });

  it('runs `before` ahead of each ledger call', async () => {
    const outbox = new MemoryOutbox();
    const order: string[] = [];
    const counted = switchableLedger(ledger);
    const ledgerSpy = { recordTrades: (trades: readonly Trade[]) => (order.push('record'), counted.recordTrades(trades)) };
    recorder = createTradeRecorder({ ledger: ledgerSpy, outbox, logger: silentLogger, batchSize: 10, before: () => (order.push('before'), Promise.resolve()) });
    outbox.add(newTrades(25));
    await recorder.flush();
    expect(order.filter((step) => step === 'record')).toHaveLength(3);
    // However the batches overlap, each call was preceded by its own `before`.
    order.forEach((_, i) => expect(order.slice(0, i + 1).filter((step) => step === 'before').length).toBeGreaterThanOrEqual(order.slice(0, i + 1).filter((step) => step === 'record').length));
    expect(order.filter((step) => step === 'before')).toHaveLength(3);
  });

  it('refuses only the bad trade of a batch, with the contract\'s code, and records the others', async () => {
    const outbox = new MemoryOutbox();
    const counted = switchableLedger(ledger);
    recorder = createTradeRecorder({ ledger: counted, outbox, logger: silentLogger });
    const trades = newTrades(9);
    const good = trades[4] as Trade;
    const [payee, ...others] = good.payees as [Trade['payees'][number], ...Trade['payees']];
    const overstated: Trade = { ...good, tradeId: `${good.tradeId}-X`, payees: [{ ...payee, grossFen: payee.grossFen + 1, amountFen: payee.amountFen + 1 }, ...others], amountFen: good.amountFen + 1 };
    outbox.add([...trades.slice(0, 4), overstated, ...trades.slice(4)]);
    recorder.poke();
    const refusal = await recorder.receipt(overstated.tradeId).then(() => undefined, (e: unknown) => e);
    expect(refusal).toBeInstanceOf(GridmarkError);
    expect(refusal).toMatchObject({ code: 'LEDGER_REJECTED', details: { contractCode: 'INVALID_ARGUMENT', tradeId: overstated.tradeId } });
    await recorder.flush();
    expect(outbox.trades.get(overstated.tradeId)).toMatchObject({ status: 'REFUSED', refusal: expect.stringMatching(/^INVALID_ARGUMENT: .*gross of \d+ fen but its traded fields' fee standards add up to/) as string });
    expect(trades.map((t) => outbox.trades.get(t.tradeId)?.status)).toEqual(Array(9).fill('RECORDED'));
    expect(await ledger.getTrade(overstated.tradeId)).toBeNull();
    // The batch of 10, then halves down to the bad fifth trade: 10, 5 (refused), 3, 2 (refused), 1, 1, 5.
    expect(counted.calls).toBe(7);
  });

  it('reports itself unhealthy while the ledger is down and records everything once it is back', async () => {
    const outbox = new MemoryOutbox();
    const switchable = switchableLedger(ledger);
    switchable.down = true;
    recorder = createTradeRecorder({ ledger: switchable, outbox, logger: silentLogger });
    const trades = newTrades(20);
    outbox.add(trades);
    recorder.poke();
    await expect.poll(() => recorder?.healthy(), { timeout: 2_000 }).toBe(false);
    const late = await recorder.receipt(trades[0]?.tradeId as string, 50).then(() => undefined, (e: unknown) => e);
    expect(late).toMatchObject({ name: 'GridmarkError', code: 'LEDGER_UNAVAILABLE' });
    const flushed = recorder.flush();
    switchable.down = false;
    await flushed;
    expect(recorder.healthy()).toBe(true);
    expect(switchable.calls).toBeGreaterThan(1);
    expect(trades.every((t) => outbox.trades.get(t.tradeId)?.status === 'RECORDED')).toBe(true);
  });

  it('re-sends after a crash without recording anything twice: the ledger answers with the first receipts', async () => {
    const outbox = new MemoryOutbox();
    const counted = switchableLedger(ledger);
    const trades = newTrades(40);
    outbox.add(trades);
    outbox.failRecorded = true;
    const crashed = createTradeRecorder({ ledger: counted, outbox, logger: silentLogger });
    crashed.poke();
    await expect.poll(() => crashed.healthy(), { timeout: 2_000 }).toBe(false);
    await crashed.stop();
    outbox.failRecorded = false;
    expect(counted.firstReceipts.size).toBe(40);
    expect(await outbox.pending(100)).toHaveLength(40);

    recorder = createTradeRecorder({ ledger: counted, outbox, logger: silentLogger });
    recorder.poke();
    await recorder.flush();
    for (const trade of trades) {
      const stored = outbox.trades.get(trade.tradeId);
      expect(stored?.receipt).toEqual(counted.firstReceipts.get(trade.tradeId));
      expect((await ledger.getTrade(trade.tradeId))?.receipt).toEqual(stored?.receipt);
    }
  });

  it('rejects a receipt wait once the recorder has stopped', async () => {
    const outbox = new MemoryOutbox();
    const switchable = switchableLedger(ledger);
    switchable.down = true;
    const stopping = createTradeRecorder({ ledger: switchable, outbox, logger: silentLogger });
    const [trade] = newTrades(1);
    outbox.add([trade as Trade]);
    stopping.poke();
    const waiting = stopping.receipt(trade?.tradeId as string, 10_000).then(() => undefined, (e: unknown) => e);
    await expect.poll(() => stopping.healthy(), { timeout: 2_000 }).toBe(false);
    await stopping.stop();
    expect(await waiting).toMatchObject({ code: 'LEDGER_UNAVAILABLE', details: { tradeId: trade?.tradeId } });
  });
});
