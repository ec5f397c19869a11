import Database from 'better-sqlite3';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  verifyTradeReceipt,
  type Anchor,
  type Trade,
  type TradeReceipt,
} from '../contract/index.js';
import {
  createEmbeddedLedger,
  inspectLedgerFile,
  verifyLedgerFile,
  type EmbeddedLedger,
} from './index.js';
import { tempDir } from '../testing/index.js';
import { editStateValue, forgeHeadBlock } from './block-tampering.js';

/*
 * A ledger written before blocks were compressed and records stored compact: every block's data is
 * TEXT in the first layout (base64 values, results whole), anchors, resolutions and trades are in
 * their earlier forms. It was made by the previous build (fields, a catalog, a rule, two anchor
 * batches, two resolutions, two trades; 8 blocks); its node key is a test key made for it.
 */
const FIXTURE = fileURLToPath(new URL('./fixtures/first-layout/', import.meta.url));
const R1 = `${'r'.repeat(63)}1`;
const FIRST_RECEIPT: TradeReceipt = {
  tradeId: 'T-1',
  txId: '7164d069594ed939bb4107958760fb25336f02f17e599232aa9443463bc0f9e8',
  leafHash: '4050dbc949e9fe7d2fccdcab5a5b6bf435516d54209a40bf20a6baff6e6c7b12',
  merkleRoot: '85732224b731dd9fb3dce000100f75ada5ff83764c77e9bc67f780477168f706',
  proof: [{ side: 'R', hash: '61662cbcae9ea0de941bf9b2e50cc8edbb9c799235ffcb40f70f7ed950505ab2' }],
};

const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));
const T1: Trade = {
  tradeId: 'T-1',
  applicationId: 'APP-0001',
  resolutionId: R1,
  function: 'om',
  items: ['88.1001.1/PVI-000001', '88.1001.1/PVI-000002'].map((deviceId) => ({
    deviceId,
    fieldCodes: ['88.1001.3.F0001', '88.1001.3.F0002'],
  })),
  payees: [{ systemCode: '88.1001.3', grossFen: 14, amountFen: 12 }],
  platformFeeFen: 7,
  amountFen: 19,
  at: '2026-12-01T08:00:00.000Z',
};

describe('a ledger of the first layout', () => {
  let cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  function copy(): { path: string; nodeKeyPath: string } {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const path = join(tmp.dir, 'ledger.db');
    const nodeKeyPath = join(tmp.dir, 'node-key.pem');
    copyFileSync(join(FIXTURE, 'ledger.db'), path);
    copyFileSync(join(FIXTURE, 'node-key.pem'), nodeKeyPath);
    chmodSync(path, 0o600);
    chmodSync(nodeKeyPath, 0o600);
    return { path, nodeKeyPath };
  }

  function open(files: { path: string; nodeKeyPath: string }): EmbeddedLedger {
    const ledger = createEmbeddedLedger(files);
    cleanup.push(() => ledger.close());
    return ledger;
  }

  it('opens, and reads its anchors, resolutions and trades as they were recorded', async () => {
    const ledger = open(copy());
    expect(ledger.height).toBe(8n);
    const anchors = decode(
      await ledger.evaluate('GetAnchors', [
        JSON.stringify([
          ['88.1001.1/PVI-000001', '88.1001.3.F0001'],
          ['88.1001.1/PVI-000002', '88.1001.3.F0002'],
        ]),
      ]),
    ) as Anchor[];
    expect(anchors).toMatchObject([
      { commitment: 'a'.repeat(64), version: 2, systemCode: '88.1001.3' },
      { commitment: '4'.repeat(64), version: 1 },
    ]);
    expect(decode(await ledger.evaluate('GetResolution', [JSON.stringify(R1)]))).toMatchObject({
      resolutionId: R1,
      role: 'om-engineer',
      totalFeeFen: 14,
      devices: [{ deviceId: '88.1001.1/PVI-000001' }, { deviceId: '88.1001.1/PVI-000002' }],
    });
    const recorded = decode(await ledger.evaluate('GetTrade', [JSON.stringify('T-1')])) as {
      trade: Trade;
      receipt: TradeReceipt;
    };
    expect(recorded).toEqual({ trade: T1, receipt: FIRST_RECEIPT });
    expect(verifyTradeReceipt(recorded.trade, recorded.receipt)).toBe(true);
  });

  it('takes new records on top of the old ones, in the new form, and still verifies', async () => {
    const files = copy();
    const ledger = open(files);
    const anchored = await ledger.submit('AnchorCommitments', [
      JSON.stringify({
        systemCode: '88.1001.3',
        commitments: [
          {
            deviceId: '88.1001.1/PVI-000001',
            fieldCode: '88.1001.3.F0001',
            commitment: 'b'.repeat(64),
          },
        ],
      }),
    ]);
    const again = decode(
      (
        await ledger.submit('RecordTrades', [
          JSON.stringify({
            trades: [T1, { ...T1, tradeId: 'T-3', at: '2026-12-02T08:00:00.000Z' }],
          }),
        ])
      ).result,
    ) as { receipts: TradeReceipt[] };
    expect(again.receipts[0]).toEqual(FIRST_RECEIPT);
    expect(
      verifyTradeReceipt(
        { ...T1, tradeId: 'T-3', at: '2026-12-02T08:00:00.000Z' },
        again.receipts[1] as TradeReceipt,
      ),
    ).toBe(true);
    const [anchor] = decode(
      await ledger.evaluate('GetAnchors', [
        JSON.stringify([['88.1001.1/PVI-000001', '88.1001.3.F0001']]),
      ]),
    ) as Anchor[];
    expect(anchor).toMatchObject({ commitment: 'b'.repeat(64), version: 3, txId: anchored.txId });
    await ledger.close();

    const db = new Database(files.path, { readonly: true });
    expect(
      db
        .prepare('SELECT typeof(data) AS type FROM blocks ORDER BY number')
        .all()
        .map((r) => (r as { type: string }).type),
    ).toEqual([...Array<string>(8).fill('text'), 'blob', 'blob']);
    db.close();
    // Blocks of the first layout replay their recorded writes, the new ones are re-executed; the chain and the state check out.
    expect(await verifyLedgerFile(files.path, { nodeKeyPath: files.nodeKeyPath })).toMatchObject({
      ok: true,
      blocks: 10,
      transactions: 9,
    });
    const inspector = inspectLedgerFile(files.path);
    expect(inspector.block(7)?.data.transactions[0]).toMatchObject({
      layout: 1,
      transaction: 'RecordTrades',
    });
    expect(inspector.block(9)?.data.transactions[0]).toMatchObject({
      layout: 2,
      transaction: 'RecordTrades',
    });
    inspector.close();
  });

  it('delivers the events of old and new blocks alike', async () => {
    const ledger = open(copy());
    await ledger.submit('AnchorCommitments', [
      JSON.stringify({
        systemCode: '88.1001.3',
        commitments: [
          {
            deviceId: '88.1001.1/PVI-000002',
            fieldCode: '88.1001.3.F0001',
            commitment: 'c'.repeat(64),
          },
        ],
      }),
    ]);
    const controller = new AbortController();
    const names: string[] = [];
    for await (const event of ledger.events({ startBlock: 0n, signal: controller.signal })) {
      names.push(`${event.blockNumber}:${event.name}`);
      if (event.blockNumber === 8n) controller.abort();
    }
    expect(names).toEqual([
      '1:FieldsRegistered',
      '2:CatalogUpdated',
      '3:ParsingRuleChanged',
      '4:CommitmentsAnchored',
      '5:CommitmentsAnchored',
      '6:ResolutionsRecorded',
      '7:TradesRecorded',
      '8:CommitmentsAnchored',
    ]);
  });

  it('re-executes blocks of the new layout: a write the contract would not make is found though every hash and signature checks', async () => {
    const files = copy();
    const ledger = open(files);
    await ledger.submit('AnchorCommitments', [
      JSON.stringify({
        systemCode: '88.1001.3',
        commitments: [
          {
            deviceId: '88.1001.1/PVI-000002',
            fieldCode: '88.1001.3.F0001',
            commitment: 'c'.repeat(64),
          },
        ],
      }),
    ]);
    await ledger.close();
    // Someone holding the node key writes another commitment into the block, and into the state table to match.
    forgeHeadBlock(files.path, files.nodeKeyPath, (text) =>
      text.replace(`\\"c\\":\\"${'c'.repeat(64)}\\"`, `\\"c\\":\\"${'d'.repeat(64)}\\"`),
    );
    editStateValue(
      files.path,
      '\u0000anchor\u000088.1001.1/PVI-000002\u000088.1001.3.F0001\u0000',
      (text) => text.replace('c'.repeat(64), 'd'.repeat(64)),
    );
    expect(
      await verifyLedgerFile(files.path, { nodeKeyPath: files.nodeKeyPath, reexecute: false }),
    ).toMatchObject({ ok: true });
    expect(await verifyLedgerFile(files.path, { nodeKeyPath: files.nodeKeyPath })).toMatchObject({
      ok: false,
      firstBadBlock: 8,
      problem: expect.stringMatching(
        /^block 8 transaction 0 \(.*, AnchorCommitments\) does not replay to the outcome it records$/,
      ) as unknown,
    });
  });
});
