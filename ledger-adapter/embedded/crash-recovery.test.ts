import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerDatabase } from './ledger-database.js';
import { verifyLedgerFile } from './chain-verifier.js';
import { tempDir } from '../testing/index.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the child until it starts committing block `target` or later, then kills it with SIGKILL. */
function runAndKill(
  path: string,
  target: number,
): Promise<{ committed: number[]; killedDuring: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const committed: number[] = [];
    let killedDuring = -1;
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const done = /^committed block (\d+)/.exec(line);
        if (done) committed.push(Number(done[1]));
        const starting = /^committing block (\d+)/.exec(line);
        if (starting && Number(starting[1]) >= target && killedDuring < 0) {
          killedDuring = Number(starting[1]);
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve({ committed, killedDuring })
        : reject(new Error(`child exited without being killed (${signal})`)),
    );
  });
}

describe('embedded ledger after a crash', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('loses no committed block and keeps no half block when killed in the middle of commits', async () => {
    const path = join(tmp.dir, 'ledger.db');
    let lastCommitted = 0;
    for (const target of [3, 6]) {
      const { committed, killedDuring } = await runAndKill(path, target);
      expect(killedDuring).toBeGreaterThanOrEqual(target);
      lastCommitted = Math.max(lastCommitted, ...committed);
      const report = await verifyLedgerFile(path);
      expect(report).toMatchObject({ ok: true });
      const database = new LedgerDatabase(path, { readonly: true });
      const height = database.height();
      database.close();
      // Every block the child saw committed is there; the one it was writing is whole or absent.
      expect(height).toBeGreaterThanOrEqual(lastCommitted + 1);
      expect(height).toBeLessThanOrEqual(killedDuring + 1);
      lastCommitted = height - 1;
    }
  }, 30_000);
});
