import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  openSqliteBillingStore,
  openSqliteRegistryStore,
  latestCheckpointInFile,
} from '../../gateway/index.js';
import {
  createLedger,
  type LedgerAdapter,
  type LedgerCheckpoint,
} from '../../ledger-adapter/index.js';
import { GridmarkError } from '../../schema/index.js';
import { runGridmark, type GridmarkRun } from '../fixtures/gridmark-cli.js';

/**
 * Attacks on the ledger's head. A bare `gridmark ledger verify` checks that a file is a chain that
 * the key in its block 0 signed, so it passes a ledger whose last blocks were removed together
 * with their state (an older copy put back), and a ledger rewritten whole under a new node key.
 * What catches them is what is kept outside the file: the signed checkpoints the ledger publishes
 * to the billing book and the registry (the ledger does not open behind them), and a checkpoint
 * an external witness keeps (`gridmark ledger verify --checkpoint`, `--expect-head`, `--expect-key`).
 */

const SYSTEM = '88.1001.3';
const FIELD = `${SYSTEM}.F0001`;

let root = '';
/** The network under attack: its ledger, node key, billing book and registry, as its operator runs it. */
let dir = '';
/** The genuine files, put back before each test. */
let genuine = '';
const ledgerPath = (base = dir) => join(base, 'ledger.db');
const keyPath = (base = dir) => join(base, 'keys', 'ledger.db.node-key.pem');
const FILES = ['ledger.db', 'billing.db', 'registry.db', join('keys', 'ledger.db.node-key.pem')];

/** Opens the ledger as a gateway does: with the billing book and the registry as its witnesses. */
async function openWitnessed(
  base = dir,
): Promise<{ ledger: LedgerAdapter; close: () => Promise<void> }> {
  const book = openSqliteBillingStore({ path: join(base, 'billing.db') });
  const registry = openSqliteRegistryStore({ path: join(base, 'registry.db') });
  try {
    const ledger = await createLedger(
      { kind: 'embedded', path: ledgerPath(base) },
      { checkpoints: { witnesses: [book, registry] } },
    );
    return {
      ledger,
      close: async () => {
        await ledger.close();
        await book.close();
        await registry.close();
      },
    };
  } catch (error) {
    await book.close();
    await registry.close();
    throw error;
  }
}

/** Anchors `count` values of the system's field, from device `from` on, `batches` times. */
async function anchor(ledger: LedgerAdapter, from: number, batches: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const commitments = Array.from({ length: 5 }, (_, i) => ({
      deviceId: `88.1001.1/PVM-${String(from + b * 5 + i).padStart(6, '0')}`,
      fieldCode: FIELD,
      commitment: String((b % 9) + 1).repeat(64),
    }));
    await ledger.anchorCommitments({ systemCode: SYSTEM, commitments });
  }
}

async function registerAndAnchor(ledger: LedgerAdapter, batches: number): Promise<void> {
  await ledger.registerFields({
    systemCode: SYSTEM,
    fields: [{ fieldCode: FIELD, coordinate: 'Device.outputPowerW', feeFen: 1 }],
  });
  await anchor(ledger, 0, batches);
}

/** Copies a ledger's files (and the WAL, if one is left) from one directory to another. */
function copyFiles(from: string, to: string, files = FILES): void {
  mkdirSync(join(to, 'keys'), { recursive: true, mode: 0o700 });
  for (const file of files) {
    for (const suffix of ['-wal', '-shm']) rmSync(join(to, file + suffix), { force: true });
    copyFileSync(join(from, file), join(to, file));
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(join(from, file + suffix)))
        copyFileSync(join(from, file + suffix), join(to, file + suffix));
  }
}

const gridmark = (...args: string[]): Promise<GridmarkRun> =>
  runGridmark('http://127.0.0.1:9/registry', args);

async function refusal(promise: Promise<unknown>): Promise<GridmarkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridmarkError);
  return error as GridmarkError;
}

/** The checkpoint an external witness printed after the genuine run, and the older copy of the ledger. */
let external = '';
let witnessed: LedgerCheckpoint;
let olderHeight = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'gridmark-head-'));
  dir = join(root, 'network');
  genuine = join(root, 'genuine');
  const older = join(root, 'older');
  mkdirSync(dir, { mode: 0o700 });
  // A first run, closed; a copy of its files is the "older copy" an attacker puts back later.
  let network = await openWitnessed();
  await registerAndAnchor(network.ledger, 3);
  await network.close();
  copyFiles(dir, older);
  olderHeight = (latestCheckpointInFile(join(dir, 'billing.db')) as LedgerCheckpoint).height;
  // A second run adds blocks; its close publishes the head it ends at.
  network = await openWitnessed();
  await anchor(network.ledger, 100, 4);
  await network.close();
  copyFiles(dir, genuine);
  witnessed = latestCheckpointInFile(join(dir, 'billing.db')) as LedgerCheckpoint;
  // An external witness keeps the latest checkpoint, printed as JSON.
  const printed = await gridmark('ledger', 'checkpoint', '--witness', join(dir, 'registry.db'));
  expect(printed.code).toBe(0);
  external = join(root, 'external-checkpoint.json');
  writeFileSync(external, printed.stdout);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeEach(() => copyFiles(genuine, dir));

describe('the ledger head is witnessed outside the ledger file', () => {
  it('the billing book and the registry keep the head the ledger signed when it closed, and an untouched ledger opens', async () => {
    expect(witnessed.height).toBe(olderHeight + 4);
    expect(latestCheckpointInFile(join(dir, 'registry.db'))).toEqual(witnessed);
    const verified = await gridmark(
      'ledger',
      'verify',
      '--path',
      ledgerPath(),
      '--checkpoint',
      external,
    );
    expect(verified.stdout).toContain(
      `head  height ${witnessed.height} (block ${witnessed.height - 1})  ${witnessed.head}`,
    );
    expect(verified.code).toBe(0);
    const network = await openWitnessed();
    await network.close();
  });

  it('an older copy put back (the last blocks removed, the state rolled back with them) passes a bare verify, but not the witnessed head, and the ledger does not open', async () => {
    copyFiles(join(root, 'older'), dir, ['ledger.db']);
    const bare = await gridmark('ledger', 'verify', '--path', ledgerPath());
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain(`head  height ${olderHeight} `);

    const expected = await gridmark(
      'ledger',
      'verify',
      '--path',
      ledgerPath(),
      '--expect-head',
      `${witnessed.height}:${witnessed.head}`,
    );
    expect(expected.code).toBe(8);
    expect(expected.stderr).toContain(
      `LEDGER_HEAD_MISMATCH: ${ledgerPath()} does not hold what it is expected to: the chain ends at height ${olderHeight} (block ${olderHeight - 1}), before the head at height ${witnessed.height} (--expect-head): 4 block(s) are not there.`,
    );
    const byCheckpoint = await gridmark(
      'ledger',
      'verify',
      '--path',
      ledgerPath(),
      '--checkpoint',
      external,
    );
    expect(byCheckpoint.code).toBe(8);

    const error = await refusal(openWitnessed());
    expect(error.code).toBe('LEDGER_HEAD_MISMATCH');
    expect(error.message).toContain(`the chain ends at height ${olderHeight}`);
    expect(error.message).toContain(`kept in the billing book ${join(dir, 'billing.db')}`);
    // Refused before anything was written: the file is as it was put back, and not locked.
    expect(
      (await gridmark('ledger', 'verify', '--path', ledgerPath(), '--no-reexecute')).stdout,
    ).toContain(`head  height ${olderHeight} `);
    expect(existsSync(`${ledgerPath()}.lock`)).toBe(false);
  });

  it('a ledger cut back and written on again with the node key (another block at the witnessed height) does not open', async () => {
    copyFiles(join(root, 'older'), dir, ['ledger.db']);
    // The attacker holds the node key, opens the file without its witnesses and writes other blocks.
    const forged = await createLedger({ kind: 'embedded', path: ledgerPath() });
    await anchor(forged, 500, 6);
    await forged.close();
    const error = await refusal(openWitnessed());
    expect(error.code).toBe('LEDGER_HEAD_MISMATCH');
    expect(error.message).toMatch(
      new RegExp(
        `block ${witnessed.height - 1} is [0-9a-f]{16}…, not the head ${witnessed.head.slice(0, 16)}… at height ${witnessed.height}`,
      ),
    );
    const byCheckpoint = await gridmark(
      'ledger',
      'verify',
      '--path',
      ledgerPath(),
      '--checkpoint',
      external,
    );
    expect(byCheckpoint.code).toBe(8);
    expect(byCheckpoint.stderr).toContain('LEDGER_HEAD_MISMATCH');
  });

  it('a ledger rewritten whole under another node key, with the key file substituted, passes a bare verify but not --expect-key, and does not open', async () => {
    const attacker = join(root, 'attacker');
    mkdirSync(attacker, { mode: 0o700 });
    const rewritten = await createLedger({ kind: 'embedded', path: ledgerPath(attacker) });
    await registerAndAnchor(rewritten, 9);
    await rewritten.close();
    copyFiles(attacker, dir, ['ledger.db', join('keys', 'ledger.db.node-key.pem')]);

    const bare = await gridmark('ledger', 'verify', '--path', ledgerPath());
    expect(bare.code).toBe(0);
    const byKey = await gridmark(
      'ledger',
      'verify',
      '--path',
      ledgerPath(),
      '--expect-key',
      witnessed.keyId,
    );
    expect(byKey.code).toBe(8);
    expect(byKey.stderr).toMatch(
      new RegExp(
        `LEDGER_HEAD_MISMATCH: .*the chain is signed by key sha256:[0-9a-f]{64}, not by ${witnessed.keyId} \\(--expect-key\\)`,
      ),
    );

    const error = await refusal(openWitnessed());
    expect(error.code).toBe('LEDGER_HEAD_MISMATCH');
    expect(error.message).toMatch(
      new RegExp(`the chain is signed by key sha256:[0-9a-f]{64}, not by ${witnessed.keyId}`),
    );
  });

  it('a node key substituted alone does not open the ledger, and verify names it', async () => {
    const attacker = join(root, 'attacker-key');
    mkdirSync(attacker, { mode: 0o700 });
    await (await createLedger({ kind: 'embedded', path: ledgerPath(attacker) })).close();
    copyFileSync(keyPath(attacker), keyPath());
    const error = await refusal(openWitnessed());
    expect(error.code).toBe('LEDGER_HEAD_MISMATCH');
    expect(error.message).toContain(
      `The node key ${keyPath()} is not the key of the ledger ${ledgerPath()}: block 0 records another key.`,
    );
    const verified = await gridmark('ledger', 'verify', '--path', ledgerPath(), '--no-reexecute');
    expect(verified.code).toBe(8);
    expect(verified.stderr).toContain(
      `block 0 records another key than the node key file ${keyPath()}`,
    );
  });

  it('a checkpoint edited in the billing book (to match a rollback) stops the open: it no longer verifies', async () => {
    copyFiles(join(root, 'older'), dir, ['ledger.db']);
    const book = new Database(join(dir, 'billing.db'));
    const edited = { ...witnessed, height: olderHeight };
    book
      .prepare('UPDATE ledger_checkpoints SET height = ?, checkpoint = ? WHERE height = ?')
      .run(olderHeight, JSON.stringify(edited), witnessed.height);
    book.close();
    const error = await refusal(openWitnessed());
    expect(error.message).toBe(
      `The billing book ${join(dir, 'billing.db')} holds a checkpoint of the ledger that is not valid: its signature does not verify.`,
    );
  });

  it('when the book and the registry lose their checkpoints as well, the ledger opens; the external witness still finds the rollback', async () => {
    copyFiles(join(root, 'older'), dir, ['ledger.db']);
    for (const file of ['billing.db', 'registry.db']) {
      const db = new Database(join(dir, file));
      db.exec('DELETE FROM ledger_checkpoints');
      db.close();
    }
    const network = await openWitnessed();
    await network.close();
    const byCheckpoint = await gridmark(
      'ledger',
      'verify',
      '--path',
      ledgerPath(),
      '--checkpoint',
      external,
    );
    expect(byCheckpoint.code).toBe(8);
    expect(byCheckpoint.stderr).toContain(`the chain ends at height ${olderHeight}`);
  });
});
