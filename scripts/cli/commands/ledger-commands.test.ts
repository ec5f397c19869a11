import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridmarkNodeArgs } from '../../../test/support/gridmark-command.js';
import {
  checkpointProblem,
  createEmbeddedLedger,
  type LedgerCheckpoint,
  type EmbeddedLedger,
} from '../../../ledger-adapter/index.js';
import { commitmentsOf, fieldsOf, tempDir } from '../../../ledger-adapter/testing/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the real `gridmark` command. */
function gridmark(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, gridmarkNodeArgs(args), {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('gridmark ledger', () => {
  const tmp = tempDir();
  const path = join(tmp.dir, 'ledger.db');
  beforeAll(async () => {
    const ledger = createEmbeddedLedger({ path });
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    for (let i = 0; i < 4; i++)
      await ledger.submit('AnchorCommitments', [
        commitmentsOf('88.1001.3', i * 5, 5, String(i + 1)),
      ]);
    await ledger.close();
  });
  afterAll(() => tmp.remove());

  it('verify reports an untouched file as OK and exits 0', () => {
    const { status, stdout } = gridmark('ledger', 'verify', '--path', path);
    // 20 anchors and the field, and one record per anchored batch.
    expect(stdout).toMatch(/OK, 6 blocks, 5 transactions, 25 state keys/);
    expect(status).toBe(0);
  });

  it("show prints the chain, one block's transactions, and state keys", () => {
    const chain = gridmark('ledger', 'show', '--path', path);
    expect(chain.status).toBe(0);
    expect(chain.stdout).toMatch(/: 6 blocks\n/);
    expect(chain.stdout).toMatch(/#0 .* genesis/);
    const block = gridmark('ledger', 'show', '--path', path, '--block', '3');
    expect(block.stdout).toMatch(/tx 0 AnchorCommitments/);
    expect(block.stdout).toMatch(/anchor \| 88\.1001\.1\/PVM-000005 \| 88\.1001\.3\.F0001/);
    expect(block.stdout).toMatch(/event {2}CommitmentsAnchored/);
    const keys = gridmark(
      'ledger',
      'show',
      '--path',
      path,
      '--keys',
      'anchor | 88.1001.1/PVM-000019',
    );
    expect(keys.stdout).toMatch(/"v":1/);
    expect(keys.stdout).toMatch(/1 key\(s\)/);
  });

  it('show refuses a block the chain does not have with BAD_CONFIGURATION', () => {
    const { status, stderr } = gridmark('ledger', 'show', '--path', path, '--block', '99');
    expect(status).toBe(2);
    expect(stderr).toMatch(/BAD_CONFIGURATION: .* has no block 99/);
  });

  it('verify names the block someone edited in the SQLite file and exits non-zero', () => {
    const db = new Database(path);
    db.prepare(
      "UPDATE blocks SET data = replace(data, 'PVM-000011', 'PVM-000666') WHERE number = 4",
    ).run();
    db.close();
    const { status, stderr } = gridmark('ledger', 'verify', '--path', path);
    expect(stderr).toMatch(
      /LEDGER_TAMPERED: .* was edited at block 4: block 4's data does not match its data hash/,
    );
    expect(status).toBe(8);
  });

  it('verify refuses a path with no ledger with BAD_CONFIGURATION', () => {
    const { status, stderr } = gridmark('ledger', 'verify', '--path', join(tmp.dir, 'none.db'));
    expect(status).toBe(2);
    expect(stderr).toMatch(/BAD_CONFIGURATION: No ledger file at/);
  });
});

describe('gridmark ledger verify: the head, and what it is expected to be', () => {
  const tmp = tempDir();
  const path = join(tmp.dir, 'ledger.db');
  let ledger: EmbeddedLedger;
  /** The hash of each block, by number. */
  let hashes: string[] = [];
  beforeAll(async () => {
    ledger = createEmbeddedLedger({ path });
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    for (let i = 0; i < 3; i++)
      await ledger.submit('AnchorCommitments', [
        commitmentsOf('88.1001.3', i * 5, 5, String(i + 1)),
      ]);
    hashes = [0, 1, 2, 3, 4].map((n) => ledger.blockHash(n) ?? '');
    await ledger.close();
  });
  afterAll(() => tmp.remove());

  it("prints the head: height, hash and the key's fingerprint", () => {
    const { status, stdout } = gridmark('ledger', 'verify', '--path', path, '--no-reexecute');
    expect(status).toBe(0);
    expect(stdout).toContain(`  head  height 5 (block 4)  ${hashes[4] ?? '?'}\n`);
    expect(stdout).toContain(`  key   ${ledger.keyId}\n`);
    expect(stdout).toContain(`block 0's key is the node key file's, ${ledger.nodeKeyPath}`);
  });

  it('passes when the chain holds the expected head, as its head or further back, and the expected key', () => {
    const atHead = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-head',
      `5:${hashes[4] ?? ''}`,
      '--expect-key',
      ledger.keyId,
    );
    expect(atHead.status).toBe(0);
    expect(atHead.stdout).toMatch(
      /holds the expected head \(--expect-head\): block 4, the head\n {2}signed by the expected key \(--expect-key\)/,
    );
    const earlier = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-head',
      hashes[2] ?? '',
    );
    expect(earlier.stdout).toContain('block 2, 2 block(s) behind the head');
    expect(earlier.status).toBe(0);
  });

  it('exits 8 with LEDGER_HEAD_MISMATCH when the chain does not reach the expected head, or holds another block there', () => {
    const beyond = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-head',
      `7:${'e'.repeat(64)}`,
    );
    expect(beyond.status).toBe(8);
    expect(beyond.stderr).toMatch(
      /LEDGER_HEAD_MISMATCH: .* the chain ends at height 5 \(block 4\), before the head at height 7 \(--expect-head\): 2 block\(s\) are not there/,
    );
    const other = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-head',
      `3:${'e'.repeat(64)}`,
    );
    expect(other.status).toBe(8);
    expect(other.stderr).toMatch(
      /LEDGER_HEAD_MISMATCH: .* block 2 is [0-9a-f]{16}…, not the head eeeeeeeeeeeeeeee… at height 3/,
    );
    const unknown = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-head',
      'e'.repeat(64),
    );
    expect(unknown.stderr).toMatch(/no block of the chain has the hash e{64}/);
    expect(unknown.status).toBe(8);
  });

  it('exits 8 when the chain is signed by another key than the expected one, given as a fingerprint or a key file', async () => {
    const stranger = join(tmp.dir, 'stranger', 'ledger.db');
    await ledgerAt(stranger);
    const byFingerprint = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-key',
      `sha256:${'0'.repeat(64)}`,
    );
    expect(byFingerprint.status).toBe(8);
    expect(byFingerprint.stderr).toContain(
      `the chain is signed by key ${ledger.keyId}, not by sha256:${'0'.repeat(64)} (--expect-key)`,
    );
    const byFile = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--expect-key',
      join(tmp.dir, 'stranger', 'keys', 'ledger.db.node-key.pem'),
    );
    expect(byFile.status).toBe(8);
    const ownPublicKey = join(tmp.dir, 'own.pub.pem');
    writeFileSync(
      ownPublicKey,
      (JSON.parse(gridmark('ledger', 'checkpoint', '--path', path).stdout) as LedgerCheckpoint)
        .publicKey,
    );
    expect(
      gridmark('ledger', 'verify', '--path', path, '--no-reexecute', '--expect-key', ownPublicKey)
        .status,
    ).toBe(0);
  });

  it('checkpoint prints a signed checkpoint of the head, which verify --checkpoint holds the chain to', () => {
    const printed = gridmark('ledger', 'checkpoint', '--path', path);
    expect(printed.status).toBe(0);
    const checkpoint = JSON.parse(printed.stdout) as LedgerCheckpoint;
    expect(checkpointProblem(checkpoint)).toBeUndefined();
    expect(checkpoint).toMatchObject({
      height: 5,
      head: hashes[4],
      genesis: ledger.genesis,
      keyId: ledger.keyId,
    });
    const file = join(tmp.dir, 'checkpoint.json');
    writeFileSync(file, printed.stdout);
    const held = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--checkpoint',
      file,
    );
    expect(held.status).toBe(0);
    expect(held.stdout).toContain(
      `holds the expected head (checkpoint ${file} signed ${checkpoint.at}): block 4, the head`,
    );
    writeFileSync(file, JSON.stringify({ ...checkpoint, height: 6 }));
    const forged = gridmark(
      'ledger',
      'verify',
      '--path',
      path,
      '--no-reexecute',
      '--checkpoint',
      file,
    );
    expect(forged.status).toBe(2);
    expect(forged.stderr).toContain(
      `BAD_CONFIGURATION: ${file} is not a signed checkpoint: its signature does not verify.`,
    );
  });

  it.each([
    [
      'cut short',
      (file: string) => truncateSync(file, 8192),
      /is damaged: SQLite cannot read .*SQLITE_CORRUPT/,
    ],
    [
      'overwritten with other bytes',
      (file: string) => writeFileSync(file, Buffer.alloc(20_000, 7)),
      /is damaged: SQLite cannot read the file \(SQLITE_NOTADB/,
    ],
    [
      'without its state table',
      (file: string) => dropTable(file, 'state'),
      /is damaged: SQLite cannot read the file \(SQLITE_ERROR: no such table: state\)/,
    ],
  ])('reports a file %s as damage, exit 8, not as an internal error', (_what, damage, message) => {
    const copy = join(tmp.dir, `damaged-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(path, copy);
    damage(copy);
    const { status, stderr } = gridmark(
      'ledger',
      'verify',
      '--path',
      copy,
      '--node-key',
      ledger.nodeKeyPath,
    );
    expect(stderr).toMatch(/LEDGER_TAMPERED: /);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/INTERNAL_ERROR/);
    expect(status).toBe(8);
  });

  it('show stops quietly when its reader does (gridmark ledger show | head)', async () => {
    const big = join(tmp.dir, 'big', 'ledger.db');
    await ledgerAt(big, 2_000);
    const script = `node --import tsx scripts/gridmark.ts ledger show --path '${big}' --keys anchor --limit 5000 2>'${join(tmp.dir, 'show.err')}' | head -n 1; echo "exit \${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stdout).toMatch(/^anchor \| 88\.1001\.1\/PVM-000000 .*\nexit 0\n$/);
    expect(readFileSync(join(tmp.dir, 'show.err'), 'utf8')).toBe('');
  });
});

/** A ledger at `path` (its directory created) with `anchors` anchored values. */
async function ledgerAt(path: string, anchors = 5): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const ledger = createEmbeddedLedger({ path });
  await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
  for (let i = 0; i < anchors; i += 500)
    await ledger.submit('AnchorCommitments', [
      commitmentsOf('88.1001.3', i, Math.min(500, anchors - i)),
    ]);
  await ledger.close();
}

function dropTable(file: string, table: string): void {
  const db = new Database(file);
  db.exec(`DROP TABLE ${table}`);
  db.close();
}
