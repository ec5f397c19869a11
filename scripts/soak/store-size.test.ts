import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measureStore } from './store-size.js';

describe('measureStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('counts pages still in the write-ahead log, which the database file does not show yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-store-size-'));
    dirs.push(dir);
    const path = join(dir, 'book.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v BLOB)');
    const empty = measureStore(path);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run(Buffer.alloc(4_000));
    const grown = measureStore(path);
    expect(grown.usedBytes - empty.usedBytes).toBeGreaterThanOrEqual(200 * 4_000);
    expect(grown.walBytes).toBeGreaterThan(0);
    expect(statSync(path).size).toBeLessThan(grown.usedBytes);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(measureStore(path).usedBytes).toBe(grown.usedBytes);
    db.close();
  });
});
