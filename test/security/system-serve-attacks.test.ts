import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridmarkError, silentLogger, type Logger } from '../../schema/index.js';
import {
  declareConfiguredSystem,
  openPostgresSource,
  openSqliteSource,
  parseSystemConfig,
  startConfiguredSystem,
  type RunningConfiguredSystem,
} from '../../subgraphs/index.js';

/**
 * Attacks on a configured business system: SQL in its config that tries to write to the system's
 * own database, an API key file others can read, and a database password that must never be
 * told, in an error or in a log.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gridmark-system-attacks-'));
const dbPath = join(dir, 'weather.db');
const LOAD = 'SELECT code, irradiance FROM json_each(?) AS j JOIN stations ON code = j.value';

beforeAll(() => {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE stations (code TEXT PRIMARY KEY, irradiance REAL)');
  db.prepare("INSERT INTO stations VALUES ('WS-1', 640.5)").run();
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(overrides: Record<string, unknown> = {}, devices: Record<string, unknown> = {}) {
  return parseSystemConfig(
    {
      system: { name: 'weather', title: 'Weather stations' },
      fields: [{ name: 'irradianceWm2', type: 'Float', description: 'x', column: 'irradiance' }],
      source: { kind: 'sqlite', path: dbPath },
      devices: {
        load: LOAD,
        list: 'SELECT code FROM stations',
        identifier: { localColumn: 'code', template: '88.1001.9/{local}' },
        ...devices,
      },
      gateway: { access: 'open' },
      listen: { port: 0 },
      journal: { path: join(dir, `journal-${randomBytes(4).toString('hex')}.db`) },
      ...overrides,
    },
    { env: {} },
  );
}

function stationCount(): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM stations').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A logger that keeps every line. */
function capturingLogger(lines: string[]): Logger {
  const keep = (m: string) => lines.push(m);
  return { debug: keep, info: keep, warn: keep, error: keep };
}

describe("a configured system never writes to the system's own SQLite database", () => {
  it('refuses an INSERT ... RETURNING in devices.load at start, and the table is unchanged', async () => {
    const load =
      "INSERT INTO stations SELECT 'EVIL-' || value, 1 FROM json_each(?) RETURNING code, irradiance";
    const error = await startConfiguredSystem(config({}, { load }), { logger: silentLogger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({
      code: 'SOURCE_QUERY_FAILED',
      details: { setting: 'devices.load', reason: 'READ_ONLY' },
    });
    const source = openSqliteSource(dbPath);
    try {
      const { declaration } = declareConfiguredSystem(config({}, { load }), source);
      const served = await declaration.loadDevices(['88.1001.9/WS-2']).catch((e: unknown) => e);
      expect(served).toMatchObject({
        code: 'SOURCE_QUERY_FAILED',
        details: { reason: 'READ_ONLY' },
      });
    } finally {
      await source.close();
    }
    expect(stationCount()).toBe(1);
  });

  it('refuses writes, pragmas and attachments in devices.list, and the table is unchanged', async () => {
    const source = openSqliteSource(dbPath);
    try {
      for (const [list, reason] of [
        ['DELETE FROM stations RETURNING code', 'READ_ONLY'],
        ["UPDATE stations SET irradiance = 0 WHERE code = 'WS-1'", 'NOT_A_QUERY'],
        ['PRAGMA query_only = OFF', 'NOT_A_QUERY'],
        [`ATTACH DATABASE '${join(dir, 'other.db')}' AS other`, 'NOT_A_QUERY'],
        ['DELETE FROM stations RETURNING code', 'READ_ONLY'],
      ] as const) {
        const configured = declareConfiguredSystem(config({}, { list }), source);
        const error = await configured.listDevices().catch((e: unknown) => e);
        expect(error, list).toMatchObject({ code: 'SOURCE_QUERY_FAILED', details: { reason } });
      }
    } finally {
      await source.close();
    }
    expect(stationCount()).toBe(1);
  });
});

describe('the API key file', () => {
  const anchoring = (apiKeyFile: string) => ({
    anchoring: {
      registryUrl: 'http://127.0.0.1:9/registry',
      systemCode: '88.1001.9',
      apiKeyFile,
    },
  });

  it('is refused when other users can read it, without its key in the message', async () => {
    const file = join(dir, 'loose.key');
    writeFileSync(file, 'gmk_loose_secret_key');
    chmodSync(file, 0o644);
    const error = await startConfiguredSystem(config(anchoring(file)), {
      logger: silentLogger,
      env: {},
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BAD_CONFIGURATION',
      details: { setting: 'anchoring.apiKeyFile' },
    });
    expect((error as Error).message).toContain('mode 0644');
    expect((error as Error).message).not.toContain('gmk_loose_secret_key');
  });

  it('is used when only its owner can read it, and waited for while it does not exist', async () => {
    const file = join(dir, 'owner.key');
    writeFileSync(file, 'gmk_owner_only_key\n');
    chmodSync(file, 0o600);
    const running: RunningConfiguredSystem[] = [];
    try {
      running.push(
        await startConfiguredSystem(config(anchoring(file)), { logger: silentLogger, env: {} }),
      );
      expect(running[0]?.anchoring().phase).toBe('anchoring');
      const later = join(dir, 'later.key');
      running.push(
        await startConfiguredSystem(config(anchoring(later)), { logger: silentLogger, env: {} }),
      );
      expect(running[1]?.anchoring()).toEqual({ phase: 'waiting-for-key', file: later });
    } finally {
      for (const system of running) await system.stop();
    }
  });
});

const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const noPostgres = await (async () => {
  const client = new pg.Client({
    connectionString: TEST_POSTGRES_URL,
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
})();
if (noPostgres)
  process.stdout.write(
    `PostgreSQL attack tests skipped: ${TEST_POSTGRES_URL} does not answer (${noPostgres})\n`,
  );

describe.skipIf(noPostgres !== undefined)('a configured system over PostgreSQL', () => {
  const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
  const schema = `gm_attack_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  const options = (url: string, logger: Logger = silentLogger) => ({
    url,
    password: PASSWORD,
    statementTimeoutMs: 2_000,
    poolSize: 1,
    connectTimeoutMs: 2_000,
    logger,
  });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.stations (code text PRIMARY KEY, irradiance float8)`);
    await admin.query(`INSERT INTO ${schema}.stations VALUES ('WS-1', 640.5)`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  it('runs every statement read-only, also after a statement tried to turn that off', async () => {
    const source = await openPostgresSource(options(TEST_POSTGRES_URL));
    try {
      const read = (sql: string) =>
        source.read({ setting: 'devices.load', sql }, ['WS-1']).catch((e: unknown) => e);
      expect(
        await read(
          `WITH gone AS (DELETE FROM ${schema}.stations RETURNING code) SELECT code FROM gone WHERE code = ANY($1)`,
        ),
      ).toMatchObject({ code: 'SOURCE_QUERY_FAILED', details: { reason: 'READ_ONLY' } });
      await read("SELECT set_config('default_transaction_read_only', 'off', false), $1::text[]");
      expect(
        await read(
          `INSERT INTO ${schema}.stations SELECT 'EVIL', 1 WHERE $1::text[] IS NOT NULL RETURNING code`,
        ),
      ).toMatchObject({ code: 'SOURCE_QUERY_FAILED', details: { reason: 'READ_ONLY' } });
    } finally {
      await source.close();
    }
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.stations`);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('never tells the password or the connection string, in an error or in a log', async () => {
    const logged: string[] = [];
    const logger = capturingLogger(logged);
    const missing = `postgres://postgres@127.0.0.1:5432/${schema}_missing`;
    const errors: unknown[] = [
      await openPostgresSource(options(missing, logger)).catch((e: unknown) => e),
      await openPostgresSource(options('postgres://postgres@127.0.0.1:1/test', logger)).catch(
        (e: unknown) => e,
      ),
    ];
    const source = await openPostgresSource(options(TEST_POSTGRES_URL, logger));
    try {
      const configured = declareConfiguredSystem(
        config(
          { source: { kind: 'postgres', url: TEST_POSTGRES_URL } },
          { load: `SELECT '${PASSWORD}'::int AS code, $1::text[] AS irradiance` },
        ),
        source,
        logger,
      );
      errors.push(
        await configured.declaration.loadDevices(['88.1001.9/WS-1']).catch((e: unknown) => e),
      );
    } finally {
      await source.close();
    }
    for (const error of errors) {
      expect(error).toBeInstanceOf(GridmarkError);
      expect(
        JSON.stringify({ ...(error as GridmarkError), message: (error as Error).message }),
      ).not.toContain(PASSWORD);
      expect((error as Error).message).not.toContain(missing);
    }
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(PASSWORD);
  });

  it('keeps the password out of what gridmark system serve prints when it cannot start', async () => {
    const file = join(dir, 'pg.system.yaml');
    writeFileSync(
      file,
      `system: { name: weather, title: W }
fields: [{ name: irradianceWm2, type: Float, description: x, column: irradiance }]
source: { kind: postgres, url: "postgres://postgres@127.0.0.1:5432/${schema}_missing" }
devices: { load: "SELECT code, irradiance FROM s WHERE code = ANY($1)", list: "SELECT code FROM s" }
gateway: { access: open }
`,
    );
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/gridmark.ts', 'system', 'serve', '--config', file],
        { cwd: ROOT, env: { ...process.env, GRIDMARK_SYSTEM_POSTGRES_PASSWORD: PASSWORD } },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number((error as { code?: number }).code) : 0,
            output: stdout + stderr,
          }),
      ),
    );
    expect(code).toBe(4);
    expect(output).toContain('SOURCE_UNAVAILABLE');
    expect(output).not.toContain(PASSWORD);
  }, 60_000);
});
