import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridmarkNodeArgs } from '../../../test/support/gridmark-command.js';
import {
  openLedgerOutbox,
  type BatchedResolveInput,
  type OutboxLedger,
} from '../../../ledger-adapter/index.js';
import { tempDir } from '../../../ledger-adapter/testing/index.js';
import { GridmarkError, silentLogger } from '../../../schema/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function gridmark(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, gridmarkNodeArgs(args), {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const request = (id: string): BatchedResolveInput => ({
  resolutionId: id,
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  deviceIds: ['88.1001.1/INV-1'],
});

describe('gridmark ledger outbox', () => {
  const tmp = tempDir('gridmark-outbox-cli-');
  const path = join(tmp.dir, 'ledger-outbox.db');
  beforeAll(async () => {
    // One resolution the contract refuses, then the ledger goes away with two records waiting.
    const state = { down: false };
    const ledger = {
      resolveBatch: (requests: readonly BatchedResolveInput[]) => {
        if (state.down) return Promise.reject(new GridmarkError('LEDGER_UNAVAILABLE', 'down'));
        return Promise.resolve({
          recorded: [],
          refused: requests.map((r) => ({ resolutionId: r.resolutionId, code: 'NO_RULE' })),
        });
      },
    } as unknown as OutboxLedger;
    const outbox = openLedgerOutbox({
      ledger,
      path,
      logger: silentLogger,
      lingerMs: 1,
      stopTimeoutMs: 100,
    });
    expect(await outbox.append({ kind: 'resolution', body: request('r-refused') })).toMatchObject({
      status: 'refused',
      code: 'NO_RULE',
    });
    state.down = true;
    outbox.appendAll([
      { kind: 'resolution', body: request('r-waiting') },
      { kind: 'fields', body: { systemCode: '88.1001.1', fields: [] } },
    ]);
    await outbox.close();
  });
  afterAll(() => tmp.remove());

  it('shows what waits, by kind, and what the ledger refused, without changing the file', () => {
    const run = gridmark('ledger', 'outbox', '--path', path);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 record(s) wait for the ledger (1 fields, 1 resolution;');
    expect(run.stdout).toContain('1 refused by the ledger');
    expect(run.stdout).toMatch(/REFUSED \S+ resolution:r-refused: \[NO_RULE\]/);
    const json = JSON.parse(gridmark('ledger', 'outbox', '--path', path, '--json').stdout) as {
      waiting: Record<string, number>;
      refusedCount: number;
    };
    expect(json).toMatchObject({ waiting: { fields: 1, resolution: 1 }, refusedCount: 1 });
  });

  it('names a missing file and exits non-zero', () => {
    const run = gridmark('ledger', 'outbox', '--path', join(tmp.dir, 'nowhere.db'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('DATA_FILE_MISSING');
    expect(run.stderr).toContain('nowhere.db');
  });
});
