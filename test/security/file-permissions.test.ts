import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteBillingStore, openSqliteRegistryStore } from '../../gateway/index.js';
import { createLedger } from '../../ledger-adapter/index.js';
import { ensureOwnerOnlyDirectory, prepareOwnerOnlyDatabase } from '../../schema/index.js';
import { openAnchorJournal } from '../../subgraphs/index.js';
import { seedDemoData } from '../../scripts/demo/index.js';

/**
 * Files that hold salts, keys and books are created readable by their owner only, whatever the
 * umask of the process that creates them: here the most permissive one, 000.
 */
const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
/** Every file in `dir` whose name starts with `base`, with its mode. */
const modesOf = (dir: string, base: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.startsWith(base))
      .map((f) => [f, modeOf(join(dir, f))]),
  );
const onlyOwner = (modes: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.keys(modes).map((f) => [f, '0600']));

let dir = '';
let umask = 0;

beforeAll(() => {
  umask = process.umask(0);
  dir = mkdtempSync(join(tmpdir(), 'gridmark-modes-'));
});

afterAll(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const noPosixModes = process.platform === 'win32';
if (noPosixModes)
  process.stdout.write('file-permissions: skipped, this platform has no POSIX file modes\n');

describe.skipIf(noPosixModes)('files holding salts, keys and books', () => {
  it('creates the embedded ledger, its WAL and SHM, its node key and their directories readable by the owner only', async () => {
    const ledgerDir = join(dir, 'ledger', 'chain');
    const ledger = await createLedger({ kind: 'embedded', path: join(ledgerDir, 'ledger.db') });
    try {
      await ledger
        .anchorCommitments({
          systemCode: '88.1',
          commitments: [
            { deviceId: '88.1/A-1', fieldCode: '88.1.F0001', commitment: 'a'.repeat(64) },
          ],
        })
        .catch(() => undefined);
      const modes = modesOf(ledgerDir, 'ledger.db');
      expect(Object.keys(modes)).toEqual(
        expect.arrayContaining(['ledger.db', 'ledger.db-wal', 'ledger.db-shm']),
      );
      expect(modes).toEqual(onlyOwner(modes));
      // The node key is not one of the database's files: it has a keys directory of its own.
      expect(modesOf(join(ledgerDir, 'keys'), 'ledger.db')).toEqual({
        'ledger.db.node-key.pem': '0600',
      });
      expect([
        modeOf(ledgerDir),
        modeOf(join(dir, 'ledger')),
        modeOf(join(ledgerDir, 'keys')),
      ]).toEqual(['0700', '0700', '0700']);
    } finally {
      await ledger.close();
    }
  });

  it('creates the registry and the billing book, with their WAL and SHM, readable by the owner only', async () => {
    const registry = openSqliteRegistryStore({ path: join(dir, 'registry.db') });
    const billing = openSqliteBillingStore({ path: join(dir, 'billing.db') });
    try {
      for (const base of ['registry.db', 'billing.db']) {
        const modes = modesOf(dir, base);
        expect(Object.keys(modes)).toEqual(
          expect.arrayContaining([base, `${base}-wal`, `${base}-shm`]),
        );
        expect(modes).toEqual(onlyOwner(modes));
      }
    } finally {
      await registry.close();
      await billing.close();
    }
  });

  it("creates a business system's anchor journal (its salts) readable by the owner only", () => {
    const journal = openAnchorJournal(join(dir, 'maker.anchors.db'));
    try {
      journal.record([
        {
          deviceId: '88.1/A-1',
          field: 'model',
          fieldCode: '88.1.F0001',
          salt: 's',
          commitment: 'c',
          txId: 't',
          anchoredAt: '2026-01-01T00:00:00Z',
        },
      ]);
      const modes = modesOf(dir, 'maker.anchors.db');
      expect(Object.keys(modes)).toEqual(
        expect.arrayContaining([
          'maker.anchors.db',
          'maker.anchors.db-wal',
          'maker.anchors.db-shm',
        ]),
      );
      expect(modes).toEqual(onlyOwner(modes));
    } finally {
      journal.close();
    }
  });

  it('tightens a store and side files left readable by others, with a warning', () => {
    const path = join(dir, 'old.db');
    for (const file of [path, `${path}-wal`]) {
      writeFileSync(file, '');
      chmodSync(file, 0o644);
    }
    const warnings: string[] = [];
    prepareOwnerOnlyDatabase(path, { logger: { warn: (m: string) => void warnings.push(m) } });
    expect([modeOf(path), modeOf(`${path}-wal`)]).toEqual(['0600', '0600']);
    expect(warnings).toEqual([
      expect.stringContaining('mode 0644'),
      expect.stringContaining('mode 0644'),
    ]);
  });

  it("seeds the demo's data directory for its user only, and tightens one that others could enter", () => {
    const demo = join(dir, 'data', 'demo');
    seedDemoData(demo);
    expect([modeOf(demo), modeOf(join(dir, 'data'))]).toEqual(['0700', '0700']);
    chmodSync(demo, 0o755);
    const warnings: string[] = [];
    ensureOwnerOnlyDirectory(demo, {
      tighten: true,
      logger: { warn: (m: string) => void warnings.push(m) },
    });
    expect(modeOf(demo)).toBe('0700');
    expect(warnings).toEqual([expect.stringContaining('mode 0755')]);
  });
});
