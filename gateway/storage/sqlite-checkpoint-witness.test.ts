import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkpointAt, hash, testSigner } from '../../ledger-adapter/testing/index.js';
import { GridmarkError } from '../../schema/index.js';
import { BILLING_MIGRATIONS } from '../billing/index.js';
import { REGISTRY_MIGRATIONS } from '../registry/index.js';
import { sqliteCheckpointWitness } from './sqlite-checkpoint-witness.js';
import { applySqliteMigrations, type SqliteMigration } from './sqlite-migrations.js';

const STORES: [string, readonly SqliteMigration[]][] = [
  ['billing book', BILLING_MIGRATIONS],
  ['registry', REGISTRY_MIGRATIONS],
];

describe.each(STORES)('the %s as a checkpoint witness', (name, migrations) => {
  const open = () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    applySqliteMigrations(db, migrations);
    return { db, witness: sqliteCheckpointWitness(db, name, () => '2026-12-07T11:00:00.000Z') };
  };
  const signer = testSigner();

  it('keeps the checkpoints it is given and answers the highest, as signed', async () => {
    const { witness } = open();
    expect(await witness.latestCheckpoint()).toBeUndefined();
    await witness.recordCheckpoint(checkpointAt(signer, 10, 'a'));
    await witness.recordCheckpoint(checkpointAt(signer, 25, 'b'));
    expect(await witness.latestCheckpoint()).toEqual(checkpointAt(signer, 25, 'b'));
  });

  it('keeps a checkpoint of the height it holds once', async () => {
    const { db, witness } = open();
    await witness.recordCheckpoint(checkpointAt(signer, 10, 'a'));
    await witness.recordCheckpoint(checkpointAt(signer, 10, 'a'));
    expect(db.prepare('SELECT count(*) AS n FROM ledger_checkpoints').get()).toEqual({ n: 1 });
  });

  it('refuses a checkpoint behind, beside or of another key or ledger than the one it holds, and keeps nothing of it', async () => {
    const { db, witness } = open();
    await witness.recordCheckpoint(checkpointAt(signer, 10, 'a'));
    const refusals = [
      [checkpointAt(signer, 9, 'c'), /keeps one at height 10/],
      [checkpointAt(signer, 10, 'c'), /keeps another head at that height/],
      [checkpointAt(testSigner(), 11, 'c'), /keeps checkpoints signed by key sha256:/],
      [checkpointAt(signer, 11, 'c', hash('f')), /checkpoints of another ledger/],
      [{ ...checkpointAt(signer, 11, 'c'), height: 12 }, /its signature does not verify/],
    ] as const;
    for (const [checkpoint, message] of refusals) {
      const error = await witness.recordCheckpoint(checkpoint).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GridmarkError);
      expect(error).toMatchObject({
        code: 'LEDGER_HEAD_MISMATCH',
        message: expect.stringMatching(message) as unknown,
      });
    }
    expect(db.prepare('SELECT count(*) AS n FROM ledger_checkpoints').get()).toEqual({ n: 1 });
    expect(await witness.latestCheckpoint()).toEqual(checkpointAt(signer, 10, 'a'));
  });

  it('says when its database has closed', () => {
    const { db, witness } = open();
    expect(witness.isOpen?.()).toBe(true);
    db.close();
    expect(witness.isOpen?.()).toBe(false);
  });

  it('answers a stored checkpoint someone edited as it now reads, for the caller to refuse', async () => {
    const { db, witness } = open();
    await witness.recordCheckpoint(checkpointAt(signer, 10, 'a'));
    db.prepare("UPDATE ledger_checkpoints SET checkpoint = 'not json'").run();
    expect(await witness.latestCheckpoint()).toBe('not json');
  });
});
