import type Database from 'better-sqlite3';

/** One step of a SQLite schema. Never edit a released one: add the next. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * Rebuilds a table that others reference (SQLite changes a CHECK constraint only by copying the
   * table): foreign keys are off while it runs, and checked before it commits, as SQLite's
   * "making other kinds of table schema changes" procedure prescribes.
   */
  readonly rebuildsTables?: true;
}

/**
 * Applies the migrations a database has not had yet, in order, each in its own transaction and
 * recorded in `schema_migrations`.
 */
export function applySqliteMigrations(
  db: Database.Database,
  migrations: readonly SqliteMigration[],
): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) =>
      Number(r.version),
    ),
  );
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
    // Outside the transaction: SQLite ignores this pragma inside one.
    if (migration.rebuildsTables && foreignKeys) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.rebuildsTables && (db.pragma('foreign_key_check') as unknown[]).length > 0)
          throw new Error(
            `migration ${migration.version} (${migration.name}) would break a foreign key`,
          );
        db.prepare(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        ).run(migration.version, migration.name, new Date().toISOString());
      })();
    } finally {
      if (migration.rebuildsTables && foreignKeys) db.pragma('foreign_keys = ON');
    }
  }
}
