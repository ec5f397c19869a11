import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import type { LedgerAdapter } from '../adapter/index.js';
import type { BatchedResolveInput, Trade } from '../contract/index.js';
import { createLedger } from '../create-ledger.js';
import { tempDir, openTradeMarket, type TradeMarket } from '../testing/index.js';
import { openLedgerOutbox, type LedgerOutbox } from './index.js';

const opened: { close(): Promise<void> }[] = [];
const dirs: (() => void)[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
  for (const remove of dirs.splice(0)) remove();
});

async function setUp(
  tag: number,
): Promise<{ ledger: LedgerAdapter; market: TradeMarket; dir: string }> {
  const tmp = tempDir('gridmark-outbox-');
  dirs.push(tmp.remove);
  const ledger = await createLedger({ kind: 'embedded', path: join(tmp.dir, 'ledger.db') });
  opened.push(ledger);
  const market = await openTradeMarket(ledger, { tag, resolutions: 1 });
  return { ledger, market, dir: tmp.dir };
}

function open(ledger: LedgerAdapter, path: string): LedgerOutbox {
  const outbox = openLedgerOutbox({ ledger, path, logger: silentLogger, lingerMs: 1 });
  opened.push(outbox);
  return outbox;
}

/** A new resolution over the devices of the market's first one, and a trade that pays for it. */
function query(market: TradeMarket, id: string): { request: BatchedResolveInput; trade: Trade } {
  const first = market.trade(`T-${id}`, market.resolutionIds[0] as string);
  return {
    request: {
      resolutionId: id,
      applicationId: market.applicationId,
      function: market.function,
      role: 'analyst',
      deviceIds: first.items.map((i) => i.deviceId),
    },
    trade: { ...first, resolutionId: id },
  };
}

/** The ledger with its resolution calls failing as a ledger that cannot be reached does. */
function unreachable(ledger: LedgerAdapter): LedgerAdapter {
  const down = () =>
    Promise.reject(new GridmarkError('LEDGER_UNAVAILABLE', 'the ledger did not answer'));
  return { ...ledger, resolveBatch: down, recordTrades: down, close: () => Promise.resolve() };
}

describe('ledger outbox', () => {
  it('records a resolution and the trade paying for it, sent in the same round', async () => {
    const { ledger, market, dir } = await setUp(1);
    const outbox = open(ledger, join(dir, 'outbox.db'));
    const { request, trade } = query(market, 'RES-OUT-1');
    // Appended in the wrong order on purpose: the round submits its resolutions first, and the embedded ledger runs a block's transactions in order.
    const traded = outbox.append({ kind: 'trade', body: trade });
    const resolved = outbox.appendResolution({ kind: 'resolution', body: request });
    expect(await resolved).toEqual({ status: 'recorded' });
    const outcome = await traded;
    expect(outcome.status).toBe('recorded');
    expect(outcome.status === 'recorded' && outcome.receipt?.tradeId).toBe(trade.tradeId);
    expect(await ledger.getTrade(trade.tradeId)).not.toBeNull();
    expect(outbox.backlog).toBe(0);
  });

  it('keeps what a failing ledger did not take across a restart, and the next process sends it', async () => {
    const { ledger, market, dir } = await setUp(2);
    const path = join(dir, 'outbox.db');
    const first = openLedgerOutbox({
      ledger: unreachable(ledger),
      path,
      logger: silentLogger,
      lingerMs: 1,
      stopTimeoutMs: 200,
    });
    const { request, trade } = query(market, 'RES-OUT-2');
    const resolved = first.appendResolution({ kind: 'resolution', body: request });
    first.appendAll([{ kind: 'trade', body: trade }]);
    await expect(resolved).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect(first.healthy()).toBe(false);
    // Failing closed: no new query's resolution is taken while the ledger is away.
    expect(() =>
      first.appendResolution({ kind: 'resolution', body: query(market, 'RES-OUT-2b').request }),
    ).toThrow(expect.objectContaining({ code: 'LEDGER_UNAVAILABLE' }));
    await first.close();
    expect(await ledger.getResolution(request.resolutionId)).toBeNull();

    const second = open(ledger, path);
    expect(second.backlog).toBe(2);
    await second.flush();
    expect(await ledger.getResolution(request.resolutionId)).not.toBeNull();
    expect((await ledger.getTrade(trade.tradeId))?.trade.amountFen).toBe(trade.amountFen);
  });

  it('counts a resolution the ledger already holds as recorded, as after a crash between the two commits', async () => {
    const { ledger, market, dir } = await setUp(3);
    const { request, trade } = query(market, 'RES-OUT-3');
    await ledger.resolveBatch([request]);
    await ledger.recordTrades([trade]);
    const outbox = open(ledger, join(dir, 'outbox.db'));
    expect(await outbox.append({ kind: 'resolution', body: request })).toEqual({
      status: 'recorded',
    });
    const again = await outbox.append({ kind: 'trade', body: trade });
    expect(again.status === 'recorded' && again.receipt?.tradeId).toBe(trade.tradeId);
  });

  it('refuses only the trade the contract refuses, keeps the others, and sets the refusal aside', async () => {
    const { ledger, market, dir } = await setUp(4);
    const outbox = open(ledger, join(dir, 'outbox.db'));
    const good = query(market, 'RES-OUT-4');
    const orphan = { ...query(market, 'RES-OUT-4x').trade, tradeId: 'T-ORPHAN' };
    await outbox.appendResolution({ kind: 'resolution', body: good.request });
    const [kept, refused] = await Promise.all([
      outbox.append({ kind: 'trade', body: good.trade }),
      outbox.append({ kind: 'trade', body: orphan }),
    ]);
    expect(kept.status).toBe('recorded');
    expect(refused).toMatchObject({ status: 'refused', code: 'NOT_FOUND' });
    expect(await ledger.getTrade('T-ORPHAN')).toBeNull();
    expect(outbox.refusal('trade:T-ORPHAN')).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runs settle hooks before records leave, and sends again what a failing hook left', async () => {
    const { ledger, market, dir } = await setUp(5);
    const outbox = open(ledger, join(dir, 'outbox.db'));
    const { request, trade } = query(market, 'RES-OUT-5');
    let failures = 1;
    const seen: string[] = [];
    outbox.onSettled('trade', (settled) => {
      if (failures-- > 0) throw new Error('the book is busy');
      seen.push(...settled.map((s) => s.stored.key));
    });
    outbox.appendAll([
      { kind: 'resolution', body: request },
      { kind: 'trade', body: trade },
    ]);
    await outbox.flush();
    expect(seen).toEqual([`trade:${trade.tradeId}`]);
    expect(outbox.backlog).toBe(0);
  });
});
