import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { GridmarkError } from '../../schema/index.js';
import type { OutboxKind } from './outbox-records.js';

/** What an outbox file holds, read without changing it. */
export interface OutboxReport {
  readonly path: string;
  /** Records waiting for the ledger, by kind. */
  readonly waiting: Readonly<Partial<Record<OutboxKind, number>>>;
  /** When the oldest waiting record was appended, or null when none waits. */
  readonly oldestWaitingSince: string | null;
  readonly refusedCount: number;
  /** The latest records the ledger refused, newest first. */
  readonly refused: readonly {
    readonly key: string;
    readonly kind: string;
    readonly code: string;
    readonly reason: string;
    readonly at: string;
  }[];
}

/** Where a configuration without a path keeps the outbox: beside the embedded ledger's default file. */
export const DEFAULT_OUTBOX_PATH = 'data/ledger/ledger-outbox.db';

/**
 * Reads an outbox file (read-only, while a gateway may be writing it): how many records of each
 * kind wait, since when, and the latest the ledger refused.
 *
 * @throws GridmarkError `DATA_FILE_MISSING` when there is no such file, `DATA_FILE_UNREADABLE` when it is not an outbox
 */
export function inspectOutboxFile(
  path: string,
  options: { readonly refused?: number } = {},
): OutboxReport {
  if (!existsSync(path))
    throw new GridmarkError('DATA_FILE_MISSING', `There is no ledger outbox at ${path}.`, {
      details: { file: path },
    });
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const waiting = Object.fromEntries(
      (
        db.prepare('SELECT kind, COUNT(*) AS n FROM waiting GROUP BY kind ORDER BY kind').all() as {
          kind: OutboxKind;
          n: number;
        }[]
      ).map((r) => [r.kind, r.n]),
    );
    const oldest = db
      .prepare('SELECT appended_at AS at FROM waiting ORDER BY seq LIMIT 1')
      .get() as { at: string } | undefined;
    const refusedCount = Number(
      (db.prepare('SELECT COUNT(*) AS n FROM refused').get() as { n: number }).n,
    );
    const refused = db
      .prepare('SELECT key, kind, code, reason, at FROM refused ORDER BY seq DESC LIMIT ?')
      .all(options.refused ?? 20) as OutboxReport['refused'];
    return { path, waiting, oldestWaitingSince: oldest?.at ?? null, refusedCount, refused };
  } catch (error) {
    throw new GridmarkError(
      'DATA_FILE_UNREADABLE',
      `${path} cannot be read as a ledger outbox: ${error instanceof Error ? error.message : String(error)}`,
      { details: { file: path }, cause: error },
    );
  } finally {
    db?.close();
  }
}
