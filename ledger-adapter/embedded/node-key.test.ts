import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GridmarkError, type Logger } from '../../schema/index.js';
import { createEmbeddedLedger } from './embedded-ledger.js';
import { legacyNodeKeyPath, locateNodeKey, nodeKeyPath } from './node-key.js';
import { fieldsOf, tempDir } from '../testing/index.js';

/** A logger that keeps its warnings. */
function recordingLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn: (message: string) => void warnings.push(message),
  };
}

describe('the node key of an embedded ledger', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const mode = (path: string) => statSync(path).mode & 0o777;
  /** `ledger.db` in a new directory `name` of the test's directory. */
  const ledgerIn = (name: string): string => {
    mkdirSync(join(tmp.dir, name), { mode: 0o700 });
    return join(tmp.dir, name, 'ledger.db');
  };

  it('is created in a keys directory of its own (0700, the key 0600), not beside the database', async () => {
    const path = ledgerIn('new');
    const ledger = createEmbeddedLedger({ path });
    await ledger.close();
    expect(ledger.nodeKeyPath).toBe(join(tmp.dir, 'new', 'keys', 'ledger.db.node-key.pem'));
    expect(mode(ledger.nodeKeyPath)).toBe(0o600);
    expect(mode(join(tmp.dir, 'new', 'keys'))).toBe(0o700);
    expect(existsSync(legacyNodeKeyPath(path))).toBe(false);
  });

  it('is created and used where the configuration names it', async () => {
    const path = ledgerIn('configured');
    const keyFile = join(tmp.dir, 'vault', 'node.pem');
    const first = createEmbeddedLedger({ path, nodeKeyPath: keyFile });
    await first.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    await first.close();
    expect(mode(keyFile)).toBe(0o600);
    expect(existsSync(nodeKeyPath(path))).toBe(false);
    const again = createEmbeddedLedger({ path, nodeKeyPath: keyFile });
    expect(again.keyId).toBe(first.keyId);
    await again.close();
  });

  it('of a ledger from before the keys directory is found beside the database and used there, with a warning; it is not moved', async () => {
    const path = ledgerIn('older');
    const created = createEmbeddedLedger({ path, nodeKeyPath: legacyNodeKeyPath(path) });
    await created.close();
    const keyText = readFileSync(legacyNodeKeyPath(path), 'utf8');
    expect(locateNodeKey(path)).toEqual({
      path: legacyNodeKeyPath(path),
      source: 'beside-database',
    });
    const logger = recordingLogger();
    const reopened = createEmbeddedLedger({ path, logger });
    await reopened.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
    await reopened.close();
    expect(reopened.keyId).toBe(created.keyId);
    expect(logger.warnings).toEqual([
      expect.stringContaining(`node key ${legacyNodeKeyPath(path)} sits beside its database`),
    ]);
    expect(readFileSync(legacyNodeKeyPath(path), 'utf8')).toBe(keyText);
    expect(existsSync(nodeKeyPath(path))).toBe(false);
  });

  it('must be the key block 0 records: a ledger refuses to open with another one, and leaves it as it is', async () => {
    const path = ledgerIn('substituted');
    await createEmbeddedLedger({ path }).close();
    const other = ledgerIn('other');
    await createEmbeddedLedger({ path: other }).close();
    const original = join(tmp.dir, 'substituted', 'original.pem');
    copyFileSync(nodeKeyPath(path), original);
    copyFileSync(nodeKeyPath(other), nodeKeyPath(path));
    const error = (() => {
      try {
        createEmbeddedLedger({ path });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({
      code: 'LEDGER_HEAD_MISMATCH',
      message: expect.stringContaining('block 0 records another key') as unknown,
    });
    expect(readFileSync(nodeKeyPath(path), 'utf8')).toBe(readFileSync(nodeKeyPath(other), 'utf8'));
    // The refused open released the file: the ledger's own key opens it.
    await createEmbeddedLedger({ path, nodeKeyPath: original }).close();
  });

  it('refuses an existing ledger whose key is nowhere, naming where it looked and how to say where it is', async () => {
    const path = ledgerIn('lost');
    await createEmbeddedLedger({ path }).close();
    copyFileSync(path, join(tmp.dir, 'lost', 'copy.db'));
    expect(() => createEmbeddedLedger({ path: join(tmp.dir, 'lost', 'copy.db') })).toThrow(
      /node key .*keys\/copy\.db\.node-key\.pem does not exist; name the key's file with GRIDMARK_NODE_KEY/,
    );
  });
});
