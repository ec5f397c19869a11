import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import type { LedgerEvent } from '../ledger-client.js';
import {
  createEmbeddedLedger,
  EmbeddedLedgerError,
  nodeKeyPath,
  verifyLedgerFile,
  type EmbeddedLedger,
} from './index.js';
import { commitmentsOf, fieldsOf, tempDir } from '../testing/index.js';
import { editBlockData } from './block-tampering.js';

const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));

describe('embedded ledger', () => {
  let cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });
  function open(path?: string): EmbeddedLedger {
    let file = path;
    if (!file) {
      const tmp = tempDir();
      cleanup.push(tmp.remove);
      file = join(tmp.dir, 'ledger.db');
    }
    const ledger = createEmbeddedLedger({ path: file });
    cleanup.push(() => ledger.close());
    return ledger;
  }

  it('starts a chain with a genesis block and a node key only its owner can read', () => {
    const ledger = open();
    expect(ledger.height).toBe(1n);
    expect(statSync(nodeKeyPath(ledger.path)).mode & 0o777).toBe(0o600);
  });

  it('commits the submits of one turn in one block, in the order they were made', async () => {
    const ledger = open();
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 2)]);
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 1, String(n))]),
      ),
    );
    expect(new Set(results.map((r) => r.blockNumber))).toEqual(new Set([2n]));
    const anchor = decode(
      await ledger.evaluate('GetAnchors', [
        JSON.stringify([['88.1001.1/PVM-000000', '88.1001.3.F0001']]),
      ]),
    ) as { commitment: string; version: number }[];
    // Each transaction of the block saw the one before it.
    expect(anchor[0]).toMatchObject({ commitment: '3'.repeat(64), version: 3 });
  });

  it('rejects a refused submit with LEDGER_REJECTED and still commits the others of its block', async () => {
    const ledger = open();
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    const [good, bad] = await Promise.allSettled([
      ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 2)]),
      ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.4', 0, 2)]),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason as EmbeddedLedgerError;
    expect(error).toBeInstanceOf(EmbeddedLedgerError);
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error.code).toBe('LEDGER_REJECTED');
    expect(error.details).toMatchObject({
      contractCode: 'UNKNOWN_FIELD',
      transaction: 'AnchorCommitments',
    });
    expect(ledger.height).toBe(3n);
  });

  it('keeps every committed block and the state across a reopen', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const path = join(tmp.dir, 'ledger.db');
    const first = createEmbeddedLedger({ path });
    await first.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    const { blockNumber } = await first.submit('AnchorCommitments', [
      commitmentsOf('88.1001.3', 0, 5),
    ]);
    await first.close();
    const second = open(path);
    expect(second.height).toBe(blockNumber + 1n);
    const anchors = decode(
      await second.evaluate('GetAnchors', [
        JSON.stringify([['88.1001.1/PVM-000004', '88.1001.3.F0001']]),
      ]),
    ) as unknown[];
    expect(anchors[0]).toMatchObject({ version: 1, systemCode: '88.1001.3' });
    const next = await second.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 1)]);
    expect(next.blockNumber).toBe(blockNumber + 1n);
    await second.close();
    expect(await verifyLedgerFile(path)).toMatchObject({ ok: true, blocks: 4, transactions: 3 });
  });

  it('delivers events from a start block, then live ones, until aborted', async () => {
    const ledger = open();
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    const anchored = await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 1)]);
    const controller = new AbortController();
    const seen: LedgerEvent[] = [];
    const reading = (async () => {
      for await (const event of ledger.events({
        startBlock: anchored.blockNumber,
        signal: controller.signal,
      })) {
        seen.push(event);
        if (seen.length === 2) controller.abort();
      }
    })();
    const live = await ledger.submit('PutParsingRule', [
      JSON.stringify({
        applicationId: 'APP-1',
        function: 'om',
        role: '*',
        fieldCodes: ['88.1001.3.F0001'],
      }),
    ]);
    await reading;
    expect(seen.map((e) => [e.name, e.blockNumber, e.txId])).toEqual([
      ['CommitmentsAnchored', anchored.blockNumber, anchored.txId],
      ['ParsingRuleChanged', live.blockNumber, live.txId],
    ]);
    expect(decode(seen[0]?.payload ?? new Uint8Array())).toEqual({
      systemCode: '88.1001.3',
      keys: [['88.1001.1/PVM-000000', '88.1001.3.F0001']],
    });
  });

  it('does not record an evaluated write', async () => {
    const ledger = open();
    await ledger.evaluate('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    expect(ledger.height).toBe(1n);
    expect(decode(await ledger.evaluate('GetFields', ['["88.1001.3.F0001"]']))).toEqual([null]);
  });

  it('refuses calls after close with LEDGER_UNAVAILABLE, but commits what was accepted before', async () => {
    const ledger = open();
    const accepted = ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    await ledger.close();
    await expect(accepted).resolves.toMatchObject({ blockNumber: 1n });
    expect(() => ledger.submit('GetFields', ['[]'])).toThrow(
      expect.objectContaining({ code: 'LEDGER_UNAVAILABLE' }) as Error,
    );
  });

  it('rejects the submits of a block the file refused with LEDGER_UNAVAILABLE, and goes on with the next', async () => {
    const ledger = open();
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    const outside = new Database(ledger.path);
    outside.exec(
      "CREATE TRIGGER refuse_block_2 BEFORE INSERT ON blocks WHEN NEW.number = 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const refused = await ledger
      .submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 3)])
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EmbeddedLedgerError);
    expect(refused).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect(((refused as Error).cause as Error).message).toMatch(/disk full/);
    outside.exec('DROP TRIGGER refuse_block_2');
    outside.close();
    const next = await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', 0, 3)]);
    expect(next.blockNumber).toBe(2n);
    const anchors = decode(
      await ledger.evaluate('GetAnchors', [
        JSON.stringify([['88.1001.1/PVM-000000', '88.1001.3.F0001']]),
      ]),
    ) as { version: number }[];
    expect(anchors[0]?.version).toBe(1);
    await ledger.close();
    expect(await verifyLedgerFile(ledger.path)).toMatchObject({ ok: true, blocks: 3 });
  });

  it('refuses a second writer of the same file while the first has it open', async () => {
    const ledger = open();
    let error: unknown;
    try {
      createEmbeddedLedger({ path: ledger.path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({
      code: 'BAD_CONFIGURATION',
      message: expect.stringMatching(/open in process \d+ \(this one\)/) as string,
    });
    await ledger.close();
    const again = createEmbeddedLedger({ path: ledger.path });
    expect(again.height).toBe(1n);
    await again.close();
  });

  it('refuses to open with a node key that others can read', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const path = join(tmp.dir, 'ledger.db');
    await createEmbeddedLedger({ path }).close();
    const { chmodSync } = await import('node:fs');
    chmodSync(nodeKeyPath(path), 0o644);
    let error: unknown;
    try {
      createEmbeddedLedger({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GridmarkError);
    expect((error as GridmarkError).code).toBe('BAD_CONFIGURATION');
    expect((error as Error).message).toMatch(/readable by other users/);
  });
});

describe('verifyLedgerFile', () => {
  async function chain(): Promise<{ path: string; remove: () => void }> {
    const tmp = tempDir();
    const path = join(tmp.dir, 'ledger.db');
    const ledger = createEmbeddedLedger({ path });
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    for (let i = 0; i < 3; i++)
      await ledger.submit('AnchorCommitments', [
        commitmentsOf('88.1001.3', i * 10, 10, String(i + 1)),
      ]);
    await ledger.close();
    return { path, remove: tmp.remove };
  }
  function edit(path: string, sql: string, ...params: unknown[]): void {
    const db = new Database(path);
    db.prepare(sql).run(...params);
    db.close();
  }

  it('accepts an untouched chain', async () => {
    const { path, remove } = await chain();
    expect(await verifyLedgerFile(path)).toMatchObject({
      ok: true,
      blocks: 5,
      transactions: 4,
      stateKeys: 34,
      keyFileChecked: true,
      keyFile: nodeKeyPath(path),
      head: { height: 5, keyId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown },
    });
    remove();
  });

  it('names the block whose transactions were edited', async () => {
    const { path, remove } = await chain();
    editBlockData(path, 3, (text) => text.replace('PVM-000012', 'PVM-000099'));
    expect(await verifyLedgerFile(path)).toMatchObject({
      ok: false,
      firstBadBlock: 3,
      problem: "block 3's data does not match its data hash",
    });
    remove();
  });

  it('names the block whose data hash was recomputed to hide an edit', async () => {
    const { path, remove } = await chain();
    editBlockData(path, 2, (text) => text.replace('PVM-000001', 'PVM-000077'), { rehash: true });
    expect(await verifyLedgerFile(path)).toMatchObject({
      ok: false,
      firstBadBlock: 2,
      problem: "block 2's header does not match its hash",
    });
    remove();
  });

  it('finds a state table that no longer matches the chain', async () => {
    const { path, remove } = await chain();
    edit(
      path,
      'UPDATE state SET value = ? WHERE key = (SELECT key FROM state ORDER BY key LIMIT 1)',
      Buffer.from('{}'),
    );
    const report = await verifyLedgerFile(path);
    expect(report).toMatchObject({ ok: false, firstBadBlock: null });
    expect(report.ok === false && report.problem).toMatch(
      /state table's value of .* is not what block \d+ wrote/,
    );
    remove();
  });

  it('finds a deleted block', async () => {
    const { path, remove } = await chain();
    edit(path, 'DELETE FROM blocks WHERE number = 2');
    expect(await verifyLedgerFile(path)).toMatchObject({
      ok: false,
      firstBadBlock: 2,
      problem: 'block 2 is missing',
    });
    remove();
  });
});
