import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANT_HEADER, signGrant } from '../../schema/index.js';

/**
 * `gridmark system serve --config <file>` as an operator runs it: a real process over a SQLite
 * file, trusting the keys the gateway publishes at its JWKS URL, read over HTTP with grants.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gridmark-system-serve-'));
const PREFIX = '88.1001.9';
const current = generateKeyPairSync('ed25519');
const previous = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');

let jwks: Server;
let child: ChildProcess;
let url = '';
let stdout = '';
let stderr = '';

function startJwks(): Promise<string> {
  const keys = [current, previous].map((k, i) => ({
    ...k.publicKey.export({ format: 'jwk' }),
    kid: `grant-${i}`,
    use: 'sig',
    alg: 'EdDSA',
  }));
  jwks = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(request.url === '/.well-known/jwks.json' ? JSON.stringify({ keys }) : '{}');
  });
  return new Promise((resolve) =>
    jwks.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`),
    ),
  );
}

function writeConfig(jwksUrl: string): string {
  const db = new Database(join(dir, 'weather.db'));
  db.exec('CREATE TABLE stations (code TEXT PRIMARY KEY, irradiance REAL, readings TEXT)');
  db.prepare('INSERT INTO stations VALUES (?, ?, ?)').run('WS-1', 640.5, '[12.5, 13]');
  db.prepare('INSERT INTO stations VALUES (?, ?, ?)').run('WS-2', 0, '[]');
  db.close();
  const file = join(dir, 'weather.system.yaml');
  writeFileSync(
    file,
    `system: { name: weather, title: Weather stations }
fields:
  - { name: irradianceWm2, type: Float, description: Irradiance., unit: W/m², column: irradiance }
  - { name: readingsToday, type: "[Float!]", description: Readings today., column: readings }
source: { kind: sqlite, path: weather.db }
devices:
  load: SELECT code, irradiance, readings FROM json_each(?) AS j JOIN stations ON code = j.value
  list: SELECT code FROM stations
  identifier: { localColumn: code, template: "${PREFIX}/{local}" }
gateway: { jwksUrl: "${jwksUrl}" }
listen: { port: 0 }
`,
  );
  return file;
}

/** Starts the command and resolves with the URL it prints. */
function serve(config: string): Promise<string> {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/gridmark.ts', 'system', 'serve', '--config', config],
    { cwd: ROOT, env: { ...process.env, GRIDMARK_LOG_LEVEL: 'info' } },
  );
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const served = /serving at (http\S+)/.exec(stdout);
      if (served?.[1]) resolve(served[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  url = await serve(writeConfig(await startJwks()));
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => jwks.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function grant(key: KeyObject, devices: readonly string[], fields: readonly string[]): string {
  return signGrant(
    {
      v: 1,
      app: 'APP-0001',
      fn: 'forecast',
      role: '*',
      sys: 'weather',
      devices: [...devices],
      fields: [...fields],
      res: 'RES-1',
      exp: Date.now() + 60_000,
      nonce: randomUUID(),
    },
    key,
  );
}

/** A GraphQL answer of the subgraph. */
interface Answer {
  readonly data: { readonly _service?: { sdl: string }; readonly _entities?: unknown[] };
  readonly errors?: readonly { readonly extensions: Record<string, unknown> }[];
  readonly extensions?: { readonly gridmark?: { readonly grantKey?: string } };
}

async function post(query: string, variables: object = {}, token?: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { [GRANT_HEADER]: token }),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

const ENTITIES =
  'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Device { id irradianceWm2 readingsToday } } }';
const representations = (ids: readonly string[]) => ({
  r: ids.map((id) => ({ __typename: 'Device', id })),
});

describe('gridmark system serve --config', () => {
  it('serves the declared fields in its SDL', async () => {
    const { data } = await post('{ _service { sdl } }');
    expect(data._service?.sdl).toMatch(/type Device\s+@key\(fields: "id"\)/);
    expect(data._service?.sdl).toContain('irradianceWm2: Float');
    expect(data._service?.sdl).toContain('readingsToday: [Float!]');
  });

  it('answers _entities from the database under a grant of either published key', async () => {
    const ids = [`${PREFIX}/WS-1`, `${PREFIX}/WS-2`, `${PREFIX}/WS-9`];
    const fields = ['irradianceWm2', 'readingsToday'];
    for (const key of [current.privateKey, previous.privateKey]) {
      const answer = await post(ENTITIES, representations(ids), grant(key, ids, fields));
      expect(answer.errors).toBeUndefined();
      expect(answer.data._entities).toEqual([
        { id: `${PREFIX}/WS-1`, irradianceWm2: 640.5, readingsToday: [12.5, 13] },
        { id: `${PREFIX}/WS-2`, irradianceWm2: 0, readingsToday: [] },
        null,
      ]);
      expect(answer.extensions?.gridmark?.grantKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('refuses a grant signed by a key the gateway does not publish', async () => {
    const ids = [`${PREFIX}/WS-1`];
    const answer = await post(
      ENTITIES,
      representations(ids),
      grant(stranger.privateKey, ids, ['irradianceWm2']),
    );
    expect(answer.data._entities).toEqual([null]);
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'GRANT_REFUSED',
      reason: 'UNKNOWN_KEY',
    });
  });

  it('stops on SIGTERM and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('weather stopping');
  }, 30_000);
});

describe('gridmark system serve with a bad config', () => {
  const run = (args: string[]): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/gridmark.ts', ...args],
        { cwd: ROOT, env: { ...process.env, GRIDMARK_SYSTEM_CONFIG: '' } },
        (error, _out, err) =>
          resolve({ code: error ? Number((error as { code?: number }).code) : 0, stderr: err }),
      ),
    );

  it('exits 2 naming the setting, and leaves the registry commands as they were', async () => {
    const file = join(dir, 'bad.system.yaml');
    writeFileSync(file, 'system: { name: weather, title: W }\nlisten: { port: -1 }\n');
    const [noConfig, bad, help] = await Promise.all([
      run(['system', 'serve']),
      run(['system', 'serve', '--config', file]),
      run(['system', 'register', '--help']),
    ]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('BAD_CONFIGURATION: --config is required');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BAD_CONFIGURATION: .*listen\.port/);
    expect(help.code).toBe(0);
  }, 60_000);
});
