import Database from 'better-sqlite3';
import {
  checkpointProblem,
  type CheckpointWitness,
  type LedgerCheckpoint,
} from '../../ledger-adapter/index.js';
import { GridmarkError } from '../../schema/index.js';

/*
 * The ledger's checkpoints kept in a gateway store's SQLite file (the billing book's migration 3,
 * the registry's migration 8 create the `ledger_checkpoints` table): each checkpoint as the
 * ledger signed it, with its height and head beside it for reading.
 */

type Row = { checkpoint: string };

/** The table in which a store (the billing book, the registry) keeps the ledger checkpoints it witnesses: one migration of each. */
export const LEDGER_CHECKPOINTS_SQL = `
      -- The embedded ledger's signed checkpoints of its head, kept outside the ledger file: the
      -- gateway does not start on a ledger that does not hold the latest one (docs/ledger.md).
      CREATE TABLE ledger_checkpoints (
        seq INTEGER PRIMARY KEY,
        height INTEGER NOT NULL CHECK (height >= 1),
        head TEXT NOT NULL,
        genesis TEXT NOT NULL,
        key_id TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        checkpoint TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ledger_checkpoints_height ON ledger_checkpoints (height);
`;

/**
 * The checkpoint witness of a store's SQLite database. A checkpoint that does not verify, is
 * below the latest one kept, at its height with another head, or of another ledger or key is
 * refused, so that what the store holds only ever moves forward along one chain.
 *
 * @example const witness = sqliteCheckpointWitness(db, `billing book ${path}`, () => new Date().toISOString());
 */
export function sqliteCheckpointWitness(
  db: Database.Database,
  witnessName: string,
  now: () => string,
): CheckpointWitness {
  const latest = db.prepare<[], Row>(
    'SELECT checkpoint FROM ledger_checkpoints ORDER BY height DESC, seq DESC LIMIT 1',
  );
  const insert = db.prepare(
    'INSERT INTO ledger_checkpoints (height, head, genesis, key_id, signed_at, checkpoint, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const refuse = (checkpoint: LedgerCheckpoint, why: string): never => {
    throw new GridmarkError(
      'LEDGER_HEAD_MISMATCH',
      `The ${witnessName} refuses the ledger's checkpoint at height ${checkpoint.height}: ${why}.`,
      {
        details: { witness: witnessName, height: checkpoint.height, head: checkpoint.head },
      },
    );
  };
  const record = db.transaction((checkpoint: LedgerCheckpoint): void => {
    const problem = checkpointProblem(checkpoint);
    if (problem !== undefined) refuse(checkpoint, problem);
    const row = latest.get();
    if (row !== undefined) {
      const kept = JSON.parse(row.checkpoint) as LedgerCheckpoint;
      if (kept.genesis !== checkpoint.genesis)
        refuse(
          checkpoint,
          `it keeps the checkpoints of another ledger (block 0 ${kept.genesis.slice(0, 16)}…)`,
        );
      if (kept.keyId !== checkpoint.keyId)
        refuse(checkpoint, `it keeps checkpoints signed by key ${kept.keyId}`);
      if (checkpoint.height < kept.height)
        refuse(checkpoint, `it keeps one at height ${kept.height}`);
      if (checkpoint.height === kept.height) {
        if (checkpoint.head !== kept.head)
          refuse(checkpoint, `it keeps another head at that height (${kept.head.slice(0, 16)}…)`);
        return;
      }
    }
    insert.run(
      checkpoint.height,
      checkpoint.head,
      checkpoint.genesis,
      checkpoint.keyId,
      checkpoint.at,
      JSON.stringify(checkpoint),
      now(),
    );
  });
  return {
    witnessName,
    isOpen: () => db.open,
    recordCheckpoint: (checkpoint) => {
      try {
        record(checkpoint);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    latestCheckpoint: () => {
      try {
        const row = latest.get();
        return Promise.resolve(row === undefined ? undefined : parsedOrText(row.checkpoint));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** The stored checkpoint as JSON, or its text when it is not JSON (the caller's check names the problem). */
function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The latest checkpoint kept in a billing book's or registry's SQLite file, read without opening
 * the store (no migration runs, nothing is written): for `gridmark ledger checkpoint --witness`.
 * Undefined when the file keeps none; not checked (the caller checks it).
 *
 * @throws GridmarkError BAD_CONFIGURATION when the file cannot be read or keeps no checkpoints table
 */
export function latestCheckpointInFile(path: string): unknown {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const row = db
      .prepare<[], Row>(
        'SELECT checkpoint FROM ledger_checkpoints ORDER BY height DESC, seq DESC LIMIT 1',
      )
      .get();
    return row === undefined ? undefined : parsedOrText(row.checkpoint);
  } catch (error) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${path} is not a billing book or registry that keeps the ledger's checkpoints (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  } finally {
    db?.close();
  }
}
