import { GridmarkError } from '../../schema/index.js';

/**
 * The business system's own database, as gridmark reads it: configured SQL statements, run
 * read-only, each taking at most one parameter (the list of device identifiers or local codes).
 * SQLite passes the list as JSON text (`json_each(?)`), PostgreSQL as a `text[]` (`= ANY($1)`).
 */
export interface SystemSource {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs a configured statement; with `list`, as its one parameter.
   *
   * @throws GridmarkError `SOURCE_QUERY_FAILED` or `SOURCE_UNAVAILABLE`, naming the setting.
   */
  read(statement: SourceStatement, list?: readonly string[]): Promise<SourceRows>;
  /** Closes the file or the pool; reads after it fail. */
  close(): Promise<void>;
}

/** A configured SQL statement and the setting it comes from (`devices.load`). */
export interface SourceStatement {
  readonly setting: string;
  readonly sql: string;
}

/** What a statement returned: its column names (also with no rows) and its rows. */
export interface SourceRows {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** Why a statement failed, as `extensions.reason` tells it. */
export type SourceFailure = 'SQL' | 'READ_ONLY' | 'NOT_A_QUERY' | 'PARAMETERS' | 'TIMEOUT';

/**
 * A statement's failure, with the database's own message made safe: every secret given (the
 * password, the connection string) is cut out of it.
 */
export function queryFailed(
  statement: SourceStatement,
  reason: SourceFailure,
  databaseMessage: string,
  secrets: readonly string[] = [],
): GridmarkError {
  return new GridmarkError(
    'SOURCE_QUERY_FAILED',
    `${statement.setting} failed in the system's database (${reason}): ${scrub(databaseMessage, secrets)}`,
    { details: { setting: statement.setting, reason } },
  );
}

/** The database cannot be opened or reached; see {@link queryFailed} for the message. */
export function sourceUnavailable(
  setting: string,
  databaseMessage: string,
  secrets: readonly string[] = [],
): GridmarkError {
  return new GridmarkError(
    'SOURCE_UNAVAILABLE',
    `${setting}: the system's database cannot be reached: ${scrub(databaseMessage, secrets)}`,
    { details: { setting } },
  );
}

/** `text` with every non-empty secret replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let safe = text;
  for (const secret of secrets) if (secret !== '') safe = safe.split(secret).join('***');
  return safe;
}
