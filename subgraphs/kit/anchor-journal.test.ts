import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAnchorJournal, type JournalEntry } from './anchor-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const entry = (deviceId: string, field: string, salt: string): JournalEntry => ({
  deviceId,
  field,
  fieldCode: `S.${field}`,
  salt,
  commitment: `c-${salt}`,
  txId: 't1',
  anchoredAt: '2026-12-01T00:00:00.000Z',
});

describe('the anchor journal', () => {
  it('finds the entries of the devices asked for, per field, across reopening', () => {
    const path = join(dir, `j${++n}.db`);
    const journal = openAnchorJournal(path);
    journal.record([
      entry('D/1', 'model', 's1'),
      entry('D/1', 'ratedPowerW', 's2'),
      entry('D/2', 'model', 's3'),
    ]);
    const view = journal.lookup(['D/1', 'D/3']);
    expect(view.get('D/1', 'model')?.salt).toBe('s1');
    expect(view.get('D/1', 'ratedPowerW')?.salt).toBe('s2');
    expect(view.get('D/1', 'assetStatus')).toBeUndefined();
    expect(view.get('D/3', 'model')).toBeUndefined();
    // Only what was asked for.
    expect(view.get('D/2', 'model')).toBeUndefined();
    journal.close();
    expect(openAnchorJournal(path).lookup(['D/2']).get('D/2', 'model')?.salt).toBe('s3');
  });

  it('reads the file once for devices it has read, and again after they are recorded anew', () => {
    const path = join(dir, `j${++n}.db`);
    const journal = openAnchorJournal(path);
    journal.record([entry('D/1', 'model', 'old')]);
    expect(journal.lookup(['D/1']).get('D/1', 'model')?.salt).toBe('old');
    // A write behind the journal's back is not seen: the entries of D/1 are held in memory.
    const raw = new Database(path);
    raw.prepare("UPDATE anchor_journal SET salt = 'behind' WHERE device_id = 'D/1'").run();
    raw.close();
    expect(journal.lookup(['D/1']).get('D/1', 'model')?.salt).toBe('old');
    // Recording through the journal drops what it held of the device.
    journal.record([entry('D/1', 'model', 'new')]);
    expect(journal.lookup(['D/1']).get('D/1', 'model')?.salt).toBe('new');
    journal.close();
  });

  it('answers right beyond the devices it keeps in memory', () => {
    const journal = openAnchorJournal(':memory:', 1);
    journal.record([
      entry('D/1', 'model', 'a'),
      entry('D/2', 'model', 'b'),
      entry('D/3', 'model', 'c'),
    ]);
    const view = journal.lookup(['D/1', 'D/2', 'D/3']);
    expect(['D/1', 'D/2', 'D/3'].map((id) => view.get(id, 'model')?.salt)).toEqual(['a', 'b', 'c']);
    expect(journal.lookup(['D/2']).get('D/2', 'model')?.salt).toBe('b');
    journal.close();
  });
});
