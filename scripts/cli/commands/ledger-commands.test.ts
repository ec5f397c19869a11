import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedLedger } from '../../../ledger-adapter/embedded/index.js';
import { commitmentsOf, fieldsOf, tempDir } from '../../../ledger-adapter/embedded/test-fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the real `gridmark` command. */
function gridmark(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gridmark.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('gridmark ledger', () => {
  const tmp = tempDir();
  const path = join(tmp.dir, 'ledger.db');
  beforeAll(async () => {
    const ledger = createEmbeddedLedger({ path });
    await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    for (let i = 0; i < 4; i++) await ledger.submit('AnchorCommitments', [commitmentsOf('88.1001.3', i * 5, 5, String(i + 1))]);
    await ledger.close();
  });
  afterAll(() => tmp.remove());

  it('verify reports an untouched file as OK and exits 0', () => {
    const { status, stdout } = gridmark('ledger', 'verify', '--path', path);
    expect(stdout).toMatch(/OK, 6 blocks, 5 transactions, 21 state keys/);
    expect(status).toBe(0);
  });

  it('show prints the chain, one block\'s transactions, and state keys', () => {
    const chain = gridmark('ledger', 'show', '--path', path);
    expect(chain.status).toBe(0);
    expect(chain.stdout).toMatch(/: 6 blocks\n/);
    expect(chain.stdout).toMatch(/#0 .* genesis/);
    const block = gridmark('ledger', 'show', '--path', path, '--block', '3');
    expect(block.stdout).toMatch(/tx 0 AnchorCommitments/);
    expect(block.stdout).toMatch(/anchor \| 88\.1001\.1\/PVM-000005 \| 88\.1001\.3\.F0001/);
    expect(block.stdout).toMatch(/event {2}CommitmentsAnchored/);
    const keys = gridmark('ledger', 'show', '--path', path, '--keys', 'anchor | 88.1001.1/PVM-000019');
    expect(keys.stdout).toMatch(/"version":1/);
    expect(keys.stdout).toMatch(/1 key\(s\)/);
  });

  it('show refuses a block the chain does not have with BAD_CONFIGURATION', () => {
    const { status, stderr } = gridmark('ledger', 'show', '--path', path, '--block', '99');
    expect(status).toBe(2);
    expect(stderr).toMatch(/BAD_CONFIGURATION: .* has no block 99/);
  });

  it('verify names the block someone edited in the SQLite file and exits non-zero', () => {
    const db = new Database(path);
    db.prepare("UPDATE blocks SET data = replace(data, 'PVM-000011', 'PVM-000666') WHERE number = 4").run();
    db.close();
    const { status, stderr } = gridmark('ledger', 'verify', '--path', path);
    expect(stderr).toMatch(/LEDGER_TAMPERED: .* was edited at block 4: block 4's data does not match its data hash/);
    expect(status).toBe(8);
  });

  it('verify refuses a path with no ledger with BAD_CONFIGURATION', () => {
    const { status, stderr } = gridmark('ledger', 'verify', '--path', join(tmp.dir, 'none.db'));
    expect(status).toBe(2);
    expect(stderr).toMatch(/BAD_CONFIGURATION: No ledger file at/);
  });
});
