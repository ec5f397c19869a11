import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridmarkNodeArgs } from '../../../test/support/gridmark-command.js';
import { createEmbeddedLedger } from '../../../ledger-adapter/index.js';
import { commitmentsOf, fieldsOf, tempDir } from '../../../ledger-adapter/testing/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the real `gridmark` command. */
function gridmark(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, gridmarkNodeArgs(args), {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function write(path: string, from: number, rounds: number): Promise<void> {
  const ledger = createEmbeddedLedger({ path });
  if (from === 0) await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
  for (let i = from; i < from + rounds; i++)
    await ledger.submit('AnchorCommitments', [
      commitmentsOf('88.1001.3', i * 5, 5, String(i % 10)),
    ]);
  await ledger.close();
}

describe('gridmark ledger archive and prune', () => {
  const tmp = tempDir();
  const path = join(tmp.dir, 'ledger.db');
  const archive = join(tmp.dir, 'archive-1.db');
  beforeAll(() => write(path, 0, 4));
  afterAll(() => tmp.remove());

  it('archives, prunes, and verifies the pruned ledger on its archive with the head and state it had', async () => {
    const whole = gridmark('ledger', 'verify', '--path', path);
    expect(whole.status).toBe(0);
    const state = /state ([0-9a-f]{64})/.exec(whole.stdout)?.[1];
    expect(state).toBeDefined();

    const archived = gridmark('ledger', 'archive', '--path', path, '--to', archive);
    expect(archived.stdout).toMatch(/archive of .* at height 6 \(block 5\), verified/);
    expect(archived.stdout).toContain(`state  ${state}`);
    expect(archived.status).toBe(0);
    expect(gridmark('ledger', 'archive', '--path', path, '--to', archive).stderr).toMatch(
      /BAD_CONFIGURATION: .* exists; an archive is written to a new file/,
    );

    await write(path, 4, 2);
    const pruned = gridmark('ledger', 'prune', '--path', path, '--archive', archive);
    expect(pruned.stdout).toMatch(/removed 5 block\(s\), 1 to 5, held by/);
    expect(pruned.status).toBe(0);

    const without = gridmark('ledger', 'verify', '--path', path);
    expect(without.stderr).toMatch(
      /BAD_CONFIGURATION: .* was pruned on .*: blocks 1 to 5 are in its archive/,
    );
    expect(without.status).toBe(2);
    const verified = gridmark('ledger', 'verify', '--path', path, '--archive', archive);
    expect(verified.stdout).toMatch(/OK, 8 blocks, 2 transactions/);
    expect(verified.stdout).toMatch(/pruned on .*: blocks 1 to 5 verified in the archive/);
    expect(verified.status).toBe(0);
  });
});
