import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../../schema/index.js';
import {
  queryFailed,
  scrub,
  sourceUnavailable,
  type SourceFailure,
  type SourceRows,
  type SourceStatement,
  type SystemSource,
} from './system-source.js';

/** Settings of a PostgreSQL source: {@link SystemConfig}'s `source` with the password read. */
export interface PostgresSourceOptions {
  /** `postgres://user@host:5432/database`, without a password. */
  readonly url: string;
  readonly password?: string;
  readonly statementTimeoutMs: number;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  /** Shown in `pg_stat_activity`. */
  readonly applicationName?: string;
  readonly logger: Logger;
}

/**
 * A pool of connections to the system's PostgreSQL database. Every statement runs in a
 * transaction opened `READ ONLY` (which the statement cannot undo), with the statement timeout
 * set on the connection; give gridmark a role that may only read, too. The `pg` driver is
 * loaded here, when a config names PostgreSQL, and not before. Connects once to check the
 * settings.
 *
 * @throws GridmarkError `SOURCE_UNAVAILABLE` (setting `source.url`); no message names the
 *   password or the connection string.
 */
export async function openPostgresSource(options: PostgresSourceOptions): Promise<SystemSource> {
  const secrets = [options.password ?? '', options.url];
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    application_name: options.applicationName ?? 'gridmark',
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that breaks is replaced at the next read; only the reason is logged.
  pool.on('error', (error) =>
    options.logger.warn(`a database connection failed: ${scrub(error.message, secrets)}`),
  );
  const source = new PostgresSource(pool, secrets);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw sourceUnavailable('source.url', connectionMessage(error), secrets);
  }
  return source;
}

class PostgresSource implements SystemSource {
  readonly kind = 'postgres';
  readonly #pool: Pool;
  readonly #secrets: readonly string[];

  constructor(pool: Pool, secrets: readonly string[]) {
    this.#pool = pool;
    this.#secrets = secrets;
  }

  async read(statement: SourceStatement, list?: readonly string[]): Promise<SourceRows> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw sourceUnavailable('source.url', connectionMessage(error), this.#secrets);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      const result = await client.query<Record<string, unknown>>(
        statement.sql,
        list === undefined ? [] : [list],
      );
      await client.query('COMMIT');
      return { columns: result.fields.map((f) => f.name), rows: result.rows };
    } catch (error) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw this.#translate(statement, error);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  #translate(statement: SourceStatement, error: unknown): Error {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    // 08P01 is the server refusing a parameter count, not a broken connection.
    if (
      typeof code !== 'string' ||
      code.length !== 5 ||
      (isConnectionState(code) && code !== '08P01')
    )
      return sourceUnavailable('source.url', connectionMessage(error), this.#secrets);
    const reason: SourceFailure =
      code === '57014'
        ? 'TIMEOUT'
        : code === '25006'
          ? 'READ_ONLY'
          : code === '08P01' || code === '42P18'
            ? 'PARAMETERS'
            : 'SQL';
    return queryFailed(statement, reason, `${message} (SQLSTATE ${code})`, this.#secrets);
  }
}

/** SQLSTATE classes of a database that cannot be used: connection, authentication, no database, shutdown. */
function isConnectionState(code: string): boolean {
  return /^(08|28|3D|53|57P|58)/.test(code);
}

function connectionMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
