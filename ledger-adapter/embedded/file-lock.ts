import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { GridmarkError } from '../../schema/index.js';

/**
 * An advisory lock that keeps a second process (or a second ledger in this one) from opening the
 * same ledger file for writing: `<file>.lock` holds the owner's process id. A lock left by a
 * process that no longer runs (killed, crashed) is taken over.
 *
 * @throws GridmarkError BAD_CONFIGURATION when a running process holds the lock
 */
export function lockLedgerFile(databasePath: string): { release(): void } {
  const path = `${databasePath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new GridmarkError(
          'BAD_CONFIGURATION',
          `Cannot lock the ledger file ${databasePath}.`,
          { cause: error },
        );
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isSafeInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new GridmarkError(
          'BAD_CONFIGURATION',
          `The ledger file ${databasePath} is open in process ${owner}${owner === process.pid ? ' (this one)' : ''}; one process may write it at a time.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new GridmarkError('BAD_CONFIGURATION', `Cannot lock the ledger file ${databasePath}.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
