import Database from 'better-sqlite3';
import {
  queryFailed,
  sourceUnavailable,
  type SourceRows,
  type SourceStatement,
  type SystemSource,
} from './system-source.js';

/**
 * A SQLite file opened read-only (and `query_only`): gridmark never writes to the system's own
 * database, whatever SQL the config holds. The file must exist; in WAL mode, the system's own
 * processes keep writing while gridmark reads.
 *
 * @throws GridmarkError `SOURCE_UNAVAILABLE` (setting `source.path`) when the file is missing or
 *   not a SQLite database.
 */
export function openSqliteSource(path: string): SystemSource {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    // Reads the schema, so a file that is not a database is found now, not at the first query.
    db.pragma('schema_version');
  } catch (error) {
    throw sourceUnavailable('source.path', `${path}: ${messageOf(error)}`);
  }
  return new SqliteSource(db);
}

class SqliteSource implements SystemSource {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #prepared = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  read(statement: SourceStatement, list?: readonly string[]): Promise<SourceRows> {
    try {
      const prepared = this.#prepare(statement);
      const rows = (
        list === undefined ? prepared.all() : prepared.all(JSON.stringify(list))
      ) as Record<string, unknown>[];
      return Promise.resolve({ columns: prepared.columns().map((c) => c.name), rows });
    } catch (error) {
      return Promise.reject(translate(statement, error));
    }
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  #prepare(statement: SourceStatement): Database.Statement {
    let prepared = this.#prepared.get(statement.sql);
    if (prepared) return prepared;
    prepared = this.#db.prepare(statement.sql);
    if (!prepared.reader)
      throw queryFailed(statement, 'NOT_A_QUERY', 'the statement returns no rows; give a SELECT.');
    this.#prepared.set(statement.sql, prepared);
    return prepared;
  }
}

function translate(statement: SourceStatement, error: unknown): Error {
  if (error instanceof Error && error.name === 'GridmarkError') return error;
  const code = (error as { code?: unknown }).code;
  if (error instanceof RangeError) return queryFailed(statement, 'PARAMETERS', messageOf(error));
  if (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_READONLY') || /query_only|readonly/i.test(messageOf(error)))
  )
    return queryFailed(statement, 'READ_ONLY', messageOf(error));
  if (typeof code === 'string' && /^SQLITE_(CANTOPEN|NOTADB|CORRUPT|IOERR)/.test(code))
    return sourceUnavailable('source.path', messageOf(error));
  return queryFailed(statement, 'SQL', messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
