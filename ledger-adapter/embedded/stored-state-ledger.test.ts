import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedgerAdapter, type LedgerAdapter } from '../adapter/index.js';
import type { AnchorCommitmentsInput, Resolution, Trade, TradeReceipt } from '../contract/index.js';
import { commitmentsOf, openTradeMarket, tempDir } from '../testing/index.js';
import {
  archiveLedger,
  createEmbeddedLedger,
  pruneLedger,
  verifyLedgerFile,
  type EmbeddedLedger,
} from './index.js';

/*
 * How the state table keeps values: the records a query writes (its resolution, its trade and the
 * trade's batch) are left to the block that wrote them, every other value is packed; all read
 * back as written, after the ledger is opened again, after its blocks are pruned, and under verify.
 */

interface Recorded {
  readonly resolutions: readonly Resolution[];
  readonly trades: readonly { readonly trade: Trade; readonly receipt: TradeReceipt }[];
}

/** The stored value of each state row by the kind of its key. */
function storedByKind(path: string): Map<string, Buffer[]> {
  const db = new Database(path, { readonly: true });
  try {
    const byKind = new Map<string, Buffer[]>();
    for (const row of db
      .prepare<[], { key: Buffer; value: Buffer }>('SELECT key, value FROM state')
      .all()) {
      const kind = row.key.toString('utf8').split('\u0000')[1] ?? '';
      byKind.set(kind, [...(byKind.get(kind) ?? []), row.value]);
    }
    return byKind;
  } finally {
    db.close();
  }
}

describe('the state table of the embedded ledger', () => {
  let cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  async function open(path: string): Promise<{ ledger: EmbeddedLedger; adapter: LedgerAdapter }> {
    const ledger = createEmbeddedLedger({ path });
    const adapter = await createLedgerAdapter(ledger);
    cleanup.push(() => adapter.close());
    return { ledger, adapter };
  }

  /** Resolutions and trades recorded over a few blocks, and an anchor batch. */
  async function record(path: string): Promise<Recorded> {
    const { adapter } = await open(path);
    const market = await openTradeMarket(adapter, { tag: 7, resolutions: 4 });
    const trades = [0, 1, 2, 3].map((i) =>
      market.trade(`T-${i}`, market.resolutionIds[i] as string),
    );
    await adapter.recordTrades(trades.slice(0, 1));
    await adapter.recordTrades(trades.slice(1));
    await adapter.anchorCommitments(
      JSON.parse(commitmentsOf('88.7000.7', 0, 3, '1')) as AnchorCommitmentsInput,
    );
    const resolutions = await Promise.all(
      market.resolutionIds.map(async (id) => (await adapter.getResolution(id)) as Resolution),
    );
    const read = await Promise.all(trades.map(async (t) => adapter.getTrade(t.tradeId)));
    await adapter.close();
    return { resolutions, trades: read as Recorded['trades'] };
  }

  async function readBack(path: string, recorded: Recorded): Promise<void> {
    const { adapter } = await open(path);
    for (const resolution of recorded.resolutions)
      expect(await adapter.getResolution(resolution.resolutionId)).toEqual(resolution);
    for (const record of recorded.trades)
      expect(await adapter.getTrade(record.trade.tradeId)).toEqual(record);
    await adapter.close();
  }

  function files(): { dir: string; path: string } {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    return { dir: tmp.dir, path: join(tmp.dir, 'ledger.db') };
  }

  it("leaves a query's resolution, trade and batch to their block, packs the rest, and reads all back", async () => {
    const { path } = files();
    const recorded = await record(path);
    const stored = storedByKind(path);
    for (const kind of ['resolution', 'trade', 'tradebatch']) {
      expect(stored.get(kind)?.length).toBeGreaterThan(0);
      for (const value of stored.get(kind) ?? []) expect([...value]).toEqual([0]);
    }
    const anchors = stored.get('anchor') ?? [];
    expect(anchors).toHaveLength(3);
    for (const value of anchors) expect(value[0]).toBe(1);
    await readBack(path, recorded);
    expect(await verifyLedgerFile(path)).toMatchObject({ ok: true });
  });

  it('finds a row that names another transaction than the one that wrote its value', async () => {
    const { path } = files();
    await record(path);
    const db = new Database(path);
    db.prepare(
      "UPDATE state SET block = block - 1 WHERE key = (SELECT key FROM state WHERE value = x'00' ORDER BY key LIMIT 1)",
    ).run();
    db.close();
    const report = await verifyLedgerFile(path);
    expect(report).toMatchObject({ ok: false, firstBadBlock: null });
    expect(report.ok === false && report.problem).toMatch(
      /^the state table's value of (resolution|trade|tradebatch) .* is not what block \d+ wrote$/,
    );
  });

  it('stores the values of the blocks it prunes in the state table, where they read the same', async () => {
    const { dir, path } = files();
    const recorded = await record(path);
    const archive = await archiveLedger(path, join(dir, 'archive.db'));
    const { ledger } = await open(path);
    await ledger.submit('AnchorCommitments', [commitmentsOf('88.7000.7', 0, 3, '2')]);
    await ledger.close();
    await pruneLedger(path, archive.path);
    for (const kind of ['resolution', 'trade', 'tradebatch'])
      for (const value of storedByKind(path).get(kind) ?? []) expect(value[0]).not.toBe(0);
    await readBack(path, recorded);
    expect(await verifyLedgerFile(path, { archives: [archive.path] })).toMatchObject({ ok: true });
  });
});
