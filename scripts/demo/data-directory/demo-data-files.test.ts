import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../../schema/index.js';
import {
  DATA_MANIFEST_FILE,
  demoNetworkFiles,
  inspectDemoDataDirectory,
  recordDemoDataFiles,
} from './demo-data-files.js';

const root = mkdtempSync(join(tmpdir(), 'gridmark-data-files-'));
const sqlite = (): Buffer =>
  Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]);
let n = 0;
const savedKeyEnv = process.env['GRIDMARK_NODE_KEY'];

afterEach(() => {
  if (savedKeyEnv === undefined) delete process.env['GRIDMARK_NODE_KEY'];
  else process.env['GRIDMARK_NODE_KEY'] = savedKeyEnv;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory shaped like a started demo network (database headers only), listed. */
function startedNetwork(): string {
  const dir = join(root, `net-${++n}`);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  const { seeded, started } = demoNetworkFiles(dir);
  for (const path of [...seeded, ...started]) writeFileSync(path, sqlite());
  writeFileSync(join(dir, 'keys', 'ledger.db.node-key.pem'), '-----BEGIN PRIVATE KEY-----\n');
  recordDemoDataFiles(dir);
  return dir;
}

function refusal(dir: string): GridmarkError {
  try {
    inspectDemoDataDirectory(dir);
  } catch (error) {
    if (error instanceof GridmarkError) return error;
    throw error;
  }
  throw new Error(`${dir} was accepted`);
}

describe('the files of a demo data directory', () => {
  it('calls a directory that does not exist, or is empty, fresh', () => {
    expect(inspectDemoDataDirectory(join(root, 'nowhere'))).toEqual({ kind: 'fresh' });
    mkdirSync(join(root, 'empty'));
    expect(inspectDemoDataDirectory(join(root, 'empty'))).toEqual({ kind: 'fresh' });
  });

  it('lists every database once, and never takes one off the list', () => {
    const dir = startedNetwork();
    writeFileSync(join(dir, 'outbox.db'), sqlite());
    recordDemoDataFiles(dir);
    rmSync(join(dir, 'outbox.db'));
    recordDemoDataFiles(dir);
    const listed = (
      JSON.parse(readFileSync(join(dir, DATA_MANIFEST_FILE), 'utf8')) as { files: string[] }
    ).files;
    expect(listed).toContain('outbox.db');
    const { seeded, started } = demoNetworkFiles(dir);
    expect(listed).toHaveLength(seeded.length + started.length + 1);
    expect(refusal(dir)).toMatchObject({
      code: 'DATA_FILE_MISSING',
      details: { file: join(dir, 'outbox.db') },
    });
  });

  it('looks for the node key where GRIDMARK_NODE_KEY says, and names that file when it is not there', () => {
    const dir = startedNetwork();
    const elsewhere = join(root, `key-${n}.pem`);
    process.env['GRIDMARK_NODE_KEY'] = elsewhere;
    const missing = refusal(dir);
    expect(missing.code).toBe('DATA_FILE_MISSING');
    expect(missing.message).toContain(`${elsewhere} is missing`);
    expect(missing.message).toContain('GRIDMARK_NODE_KEY');
    writeFileSync(elsewhere, '-----BEGIN PRIVATE KEY-----\n');
    rmSync(join(dir, 'keys'), { recursive: true });
    expect(inspectDemoDataDirectory(dir).kind).toBe('intact');
  });

  it('refuses an empty database unless its pages are still in the write-ahead log', () => {
    const dir = startedNetwork();
    writeFileSync(join(dir, 'registry.db'), '');
    expect(refusal(dir)).toMatchObject({
      code: 'DATA_FILE_UNREADABLE',
      message: expect.stringContaining('registry.db is empty') as string,
    });
    writeFileSync(join(dir, 'registry.db-wal'), 'pages');
    expect(inspectDemoDataDirectory(dir).kind).toBe('intact');
  });

  it('refuses a list it cannot read, or one that names files outside the directory', () => {
    const dir = startedNetwork();
    writeFileSync(join(dir, DATA_MANIFEST_FILE), '{ "files": [');
    expect(refusal(dir)).toMatchObject({
      code: 'DATA_FILE_UNREADABLE',
      details: { file: join(dir, DATA_MANIFEST_FILE) },
    });
    writeFileSync(
      join(dir, DATA_MANIFEST_FILE),
      JSON.stringify({ files: ['ledger.db', '../other/ledger.db'] }),
    );
    expect(refusal(dir)).toMatchObject({
      code: 'DATA_FILE_UNREADABLE',
      message: expect.stringContaining('is not a list of the network') as string,
    });
  });

  it('holds a directory without a list to the databases it shows: seeded, or seeded and started', () => {
    const dir = startedNetwork();
    rmSync(join(dir, DATA_MANIFEST_FILE));
    expect(inspectDemoDataDirectory(dir).kind).toBe('intact');
    rmSync(join(dir, 'monitoring.anchors.db'));
    expect(refusal(dir)).toMatchObject({
      code: 'DATA_FILE_MISSING',
      details: { file: join(dir, 'monitoring.anchors.db') },
    });
    // Nothing of a started network left: a seeded one, which needs its systems' databases only.
    for (const path of demoNetworkFiles(dir).started) rmSync(path, { force: true });
    expect(inspectDemoDataDirectory(dir).kind).toBe('intact');
  });
});
