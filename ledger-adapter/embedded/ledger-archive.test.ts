import Database from 'better-sqlite3';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import {
  archiveLedger,
  createEmbeddedLedger,
  nodeKeyPath,
  pruneLedger,
  readLedgerBase,
  verifyLedgerFile,
  type EmbeddedLedger,
} from './index.js';
import { commitmentsOf, fieldsOf, tempDir } from '../testing/index.js';

describe('archiving and pruning', () => {
  let cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  function files(): { dir: string; path: string } {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    return { dir: tmp.dir, path: join(tmp.dir, 'ledger.db') };
  }

  async function anchorRounds(ledger: EmbeddedLedger, from: number, rounds: number): Promise<void> {
    for (let i = from; i < from + rounds; i++)
      await ledger.submit('AnchorCommitments', [
        commitmentsOf('88.1001.3', (i % 3) * 10, 10, String(i % 10)),
      ]);
  }

  async function ledgerWith(path: string, rounds: number): Promise<EmbeddedLedger> {
    const ledger = createEmbeddedLedger({ path });
    cleanup.push(() => ledger.close());
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    await anchorRounds(ledger, 0, rounds);
    return ledger;
  }

  const thrown = async (promise: Promise<unknown>): Promise<GridmarkError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  };

  it("archives an open ledger at its head into a new file of its owner's that verifies by itself, and never over another file", async () => {
    const { dir, path } = files();
    const ledger = await ledgerWith(path, 4);
    const archive = await archiveLedger(path, join(dir, 'archive-1.db'));
    expect(archive.head).toMatchObject({ height: 6, hash: ledger.blockHash(5) });
    expect(statSync(archive.path).mode & 0o777).toBe(0o600);
    expect(await verifyLedgerFile(archive.path, { nodeKeyPath: nodeKeyPath(path) })).toMatchObject({
      ok: true,
      blocks: 6,
      stateDigest: archive.stateDigest,
    });
    writeFileSync(join(dir, 'taken.db'), 'something');
    expect((await thrown(archiveLedger(path, join(dir, 'taken.db')))).code).toBe(
      'BAD_CONFIGURATION',
    );
  });

  it('prunes the blocks an archive holds; the rest verifies on the archive, with the same head and state', async () => {
    const { dir, path } = files();
    const ledger = await ledgerWith(path, 6);
    const archive = await archiveLedger(path, join(dir, 'archive-1.db'));
    await anchorRounds(ledger, 6, 2);
    // The gateway must be stopped: the ledger's writer holds its lock.
    expect((await thrown(pruneLedger(path, archive.path))).message).toMatch(/is open in process/);
    await ledger.close();
    const before = await verifyLedgerFile(path);
    const pruned = await pruneLedger(path, archive.path);
    expect(pruned).toMatchObject({
      height: 8,
      headHash: archive.head.hash,
      stateDigest: archive.stateDigest,
      prunedBlocks: 7,
    });
    expect(readLedgerBase(path)).toMatchObject({ height: 8 });
    const db = new Database(path, { readonly: true });
    expect(
      db
        .prepare('SELECT number FROM blocks ORDER BY number')
        .all()
        .map((r) => (r as { number: number }).number),
    ).toEqual([0, 8, 9]);
    db.close();
    expect((await thrown(verifyLedgerFile(path))).message).toMatch(
      /was pruned on .*: blocks 1 to 7 are in its archive/,
    );
    const after = await verifyLedgerFile(path, { archives: [archive.path] });
    expect(before.ok && after.ok).toBe(true);
    if (!before.ok || !after.ok) return;
    expect(after).toMatchObject({
      blocks: 10,
      transactions: 2,
      head: before.head,
      stateDigest: before.stateDigest,
      stateKeys: before.stateKeys,
      base: { height: 8 },
    });
  });

  it('opens a pruned ledger and goes on writing; its events start again after the pruned blocks', async () => {
    const { dir, path } = files();
    const first = await ledgerWith(path, 3);
    const archive = await archiveLedger(path, join(dir, 'archive-1.db'));
    // Nothing to prune while the archive's head is the ledger's: a block after it must remain.
    await first.close();
    expect((await thrown(pruneLedger(path, archive.path))).message).toMatch(
      /holds no block after the archive's head/,
    );
    const second = createEmbeddedLedger({ path });
    await anchorRounds(second, 3, 1);
    await second.close();
    await pruneLedger(path, archive.path);
    const ledger = createEmbeddedLedger({ path });
    cleanup.push(() => ledger.close());
    const { blockNumber } = await ledger.submit('AnchorCommitments', [
      commitmentsOf('88.1001.3', 0, 5, 'e'),
    ]);
    expect(blockNumber).toBe(6n);
    const controller = new AbortController();
    const seen: bigint[] = [];
    for await (const event of ledger.events({ startBlock: 0n, signal: controller.signal })) {
      seen.push(event.blockNumber);
      if (event.blockNumber === 6n) controller.abort();
    }
    expect(seen).toEqual([5n, 6n]);
    await ledger.close();
    expect(await verifyLedgerFile(path, { archives: [archive.path] })).toMatchObject({
      ok: true,
      blocks: 7,
      transactions: 2,
    });
  });

  it('prunes again on a later archive, which verifies on the first one', async () => {
    const { dir, path } = files();
    const ledger = await ledgerWith(path, 3);
    const first = await archiveLedger(path, join(dir, 'archive-1.db'));
    await anchorRounds(ledger, 3, 1);
    await ledger.close();
    await pruneLedger(path, first.path);
    const again = createEmbeddedLedger({ path });
    await anchorRounds(again, 3, 3);
    const second = await archiveLedger(path, join(dir, 'archive-2.db'), { archives: [first.path] });
    await anchorRounds(again, 6, 1);
    await again.close();
    expect(await pruneLedger(path, second.path, { archives: [first.path] })).toMatchObject({
      height: 9,
      prunedBlocks: 4,
    });
    expect(await verifyLedgerFile(path, { archives: [first.path, second.path] })).toMatchObject({
      ok: true,
      blocks: 10,
      transactions: 1,
    });
    expect((await thrown(pruneLedger(path, first.path))).message).toMatch(
      /pruned up to block 8 already/,
    );
  });

  it('refuses an archive of another chain, or one that does not verify, and prunes nothing', async () => {
    const { dir, path } = files();
    const ledger = await ledgerWith(path, 3);
    await ledger.close();
    const other = files();
    const stranger = await ledgerWith(other.path, 3);
    await stranger.close();
    const foreign = await archiveLedger(other.path, join(other.dir, 'foreign.db'));
    expect((await thrown(pruneLedger(path, foreign.path))).message).toMatch(
      /holds with another hash .*another chain/,
    );
    const archive = await archiveLedger(path, join(dir, 'archive-1.db'));
    const db = new Database(archive.path);
    db.prepare(
      'UPDATE state SET value = ? WHERE key = (SELECT key FROM state ORDER BY key LIMIT 1)',
    ).run(Buffer.from('{}'));
    db.close();
    expect((await thrown(pruneLedger(path, archive.path))).code).toBe('LEDGER_TAMPERED');
    expect(readLedgerBase(path)).toBeUndefined();
    expect(await verifyLedgerFile(path)).toMatchObject({ ok: true, blocks: 5 });
  });

  it('does not verify a pruned ledger on an archive edited after it was pruned', async () => {
    const { dir, path } = files();
    const ledger = await ledgerWith(path, 3);
    const archive = await archiveLedger(path, join(dir, 'archive-1.db'));
    await anchorRounds(ledger, 3, 1);
    await ledger.close();
    await pruneLedger(path, archive.path);
    const db = new Database(archive.path);
    db.prepare(
      'UPDATE state SET value = ? WHERE key = (SELECT key FROM state ORDER BY key LIMIT 1)',
    ).run(Buffer.from('{}'));
    db.close();
    expect(await verifyLedgerFile(path, { archives: [archive.path] })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(
        /^its archive .* does not verify: the state table's value/,
      ) as unknown,
    });
  });
});
