import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import { declareConfiguredSystem } from './configured-declaration.js';
import { parseSystemConfig } from './load-system-config.js';
import { openPostgresSource } from './postgres-source.js';
import { openSqliteSource } from './sqlite-source.js';
import type { SystemConfig } from './system-config-schema.js';
import type { SystemSource } from './system-source.js';

/**
 * One contract for every source: a configured system reads the same records from SQLite and
 * from PostgreSQL, each with its own way of passing the batch (`json_each(?)`, `= ANY($1)`).
 */
const PREFIX = '88.1001.9';
const STATIONS = [
  ['WS-1', 640.5, '[{"at":"06:00","value":12}]', 1, 'Helan Shan north'],
  ['WS-2', 0, '[]', 0, 'Helan Shan south'],
  ['WS-3', null, null, null, null],
] as const;

const FIELDS = [
  { name: 'irradianceWm2', type: 'Float', description: 'Irradiance.', column: 'irradiance' },
  { name: 'readings', type: '[WeatherReading!]', description: 'Readings today.' },
  { name: 'heated', type: 'Boolean', description: 'Whether the sensor is heated.' },
  { name: 'siteName', type: 'String', description: 'The site.', column: 'site' },
];
const TYPE_DEFS = 'type WeatherReading { at: String! value: Float! }';

interface SourceUnderTest {
  readonly source: SystemSource;
  readonly config: (load: string) => SystemConfig;
  readonly loadSql: string;
  readonly close: () => Promise<void>;
}

function configFor(source: Record<string, unknown>, load: string, list: string): SystemConfig {
  return parseSystemConfig(
    {
      system: { name: 'weather', title: 'Weather stations' },
      fields: FIELDS,
      typeDefs: TYPE_DEFS,
      source,
      devices: {
        load,
        list,
        identifier: { localColumn: 'local_code', template: `${PREFIX}/{local}` },
      },
      gateway: { access: 'open' },
    },
    { env: {} },
  );
}

function sourceContract(name: string, open: () => Promise<SourceUnderTest>): void {
  let under: SourceUnderTest;
  beforeAll(async () => {
    under = await open();
  });
  afterAll(async () => {
    await under.close();
  });

  it(`${name}: loads a batch in one statement and shapes values as GraphQL serves them`, async () => {
    const { declaration } = declareConfiguredSystem(under.config(under.loadSql), under.source);
    const found = await declaration.loadDevices([
      `${PREFIX}/WS-1`,
      `${PREFIX}/WS-3`,
      `${PREFIX}/WS-404`,
      '88.1001.1/WS-1',
    ]);
    expect([...found.keys()]).toEqual(expect.arrayContaining([`${PREFIX}/WS-1`, `${PREFIX}/WS-3`]));
    expect(found.size).toBe(2);
    expect(found.get(`${PREFIX}/WS-1`)).toEqual({
      irradianceWm2: 640.5,
      readings: [{ at: '06:00', value: 12 }],
      heated: true,
      siteName: 'Helan Shan north',
    });
    expect(found.get(`${PREFIX}/WS-3`)).toEqual({
      irradianceWm2: null,
      readings: null,
      heated: null,
      siteName: null,
    });
  });

  it(`${name}: lists the devices to anchor`, async () => {
    const configured = declareConfiguredSystem(under.config(under.loadSql), under.source);
    expect(await configured.listDevices()).toEqual(
      ['WS-1', 'WS-2', 'WS-3'].map((c) => `${PREFIX}/${c}`),
    );
    await expect(configured.check()).resolves.toBeUndefined();
  });

  it(`${name}: names a field whose column the SQL does not return`, async () => {
    const sql = under.loadSql.replace('site', 'site AS place');
    const error = await declareConfiguredSystem(under.config(sql), under.source)
      .check()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({
      code: 'BAD_CONFIGURATION',
      details: { setting: 'fields[3].column' },
    });
  });

  it(`${name}: reports bad SQL as SOURCE_QUERY_FAILED to the operator, and no SQL to the gateway`, async () => {
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (m: string) => logged.push(m) };
    const sql = under.loadSql.replace('stations', 'no_such_table');
    const direct = await under.source
      .read({ setting: 'devices.load', sql }, ['WS-1'])
      .catch((e: unknown) => e);
    expect(direct).toMatchObject({
      code: 'SOURCE_QUERY_FAILED',
      details: { setting: 'devices.load', reason: 'SQL' },
    });
    expect((direct as Error).message).toContain('no_such_table');
    const { declaration } = declareConfiguredSystem(under.config(sql), under.source, logger);
    const served = await declaration.loadDevices([`${PREFIX}/WS-1`]).catch((e: unknown) => e);
    expect(served).toMatchObject({ code: 'SOURCE_QUERY_FAILED', details: { reason: 'SQL' } });
    expect((served as Error).message).not.toContain('no_such_table');
    expect(logged.join('\n')).toContain('no_such_table');
  });
}

describe('SQLite source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-sqlite-source-'));
  const path = join(dir, 'weather.db');
  sourceContract('sqlite', () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE stations (local_code TEXT PRIMARY KEY, irradiance REAL, readings TEXT, heated INTEGER, site TEXT)',
    );
    const insert = db.prepare('INSERT INTO stations VALUES (?, ?, ?, ?, ?)');
    for (const row of STATIONS) insert.run(...row);
    const list = 'SELECT local_code FROM stations ORDER BY local_code';
    const source = openSqliteSource(path);
    return Promise.resolve({
      source,
      loadSql:
        'SELECT s.local_code, s.irradiance, s.readings, s.heated, s.site FROM json_each(?) AS j JOIN stations AS s ON s.local_code = j.value',
      config: (load: string) => configFor({ kind: 'sqlite', path }, load, list),
      close: async () => {
        await source.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  });

  it('refuses a file that is missing or not a database as SOURCE_UNAVAILABLE', () => {
    expect(() => openSqliteSource(join(dir, 'missing.db'))).toThrow(
      expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', details: { setting: 'source.path' } }),
    );
    const text = join(dir, 'text.db');
    writeFileSync(text, 'this is not a database, just text long enough to have a header');
    expect(() => openSqliteSource(text)).toThrow(
      expect.objectContaining({ code: 'SOURCE_UNAVAILABLE' }),
    );
  });
});

/** The test server: PostgreSQL on 127.0.0.1:5432, trust auth, user postgres, database `test`. */
export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests cannot run here, or undefined when the server answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: TEST_POSTGRES_URL,
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const noPostgres = await postgresUnavailable();
if (noPostgres)
  process.stdout.write(
    `PostgreSQL source tests skipped: ${TEST_POSTGRES_URL} does not answer (${noPostgres})\n`,
  );

describe.skipIf(noPostgres !== undefined)('PostgreSQL source', () => {
  const schema = `gm_source_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  const options = {
    url: TEST_POSTGRES_URL,
    statementTimeoutMs: 500,
    poolSize: 2,
    connectTimeoutMs: 2_000,
    logger: silentLogger,
  };
  sourceContract('postgres', async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(
      `CREATE TABLE ${schema}.stations (local_code text PRIMARY KEY, irradiance numeric, readings jsonb, heated boolean, site text)`,
    );
    for (const [code, irradiance, readings, heated, site] of STATIONS)
      await admin.query(`INSERT INTO ${schema}.stations VALUES ($1, $2, $3, $4, $5)`, [
        code,
        irradiance,
        readings,
        heated === null ? null : heated === 1,
        site,
      ]);
    const source = await openPostgresSource(options);
    const list = `SELECT local_code FROM ${schema}.stations ORDER BY local_code`;
    return {
      source,
      loadSql: `SELECT local_code, irradiance, readings, heated, site FROM ${schema}.stations WHERE local_code = ANY($1)`,
      config: (load: string) => configFor({ kind: 'postgres', url: TEST_POSTGRES_URL }, load, list),
      close: async () => {
        await source.close();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  });

  it('stops a statement at the statement timeout', async () => {
    const source = await openPostgresSource(options);
    try {
      const error = await source
        .read({ setting: 'devices.load', sql: 'SELECT pg_sleep(5), $1::text[] AS ids' }, ['a'])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SOURCE_QUERY_FAILED', details: { reason: 'TIMEOUT' } });
    } finally {
      await source.close();
    }
  });

  it('refuses a server it cannot reach, or a database that does not exist, as SOURCE_UNAVAILABLE', async () => {
    const closedPort = await openPostgresSource({
      ...options,
      url: 'postgres://postgres@127.0.0.1:1/test',
    }).catch((e: unknown) => e);
    expect(closedPort).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      details: { setting: 'source.url' },
    });
    const noDatabase = await openPostgresSource({
      ...options,
      url: `postgres://postgres@127.0.0.1:5432/${schema}_missing`,
    }).catch((e: unknown) => e);
    expect(noDatabase).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});
