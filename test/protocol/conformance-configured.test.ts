import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf, type ConformanceReport } from '../../subgraphs/index.js';
import { runGridmark } from '../fixtures/gridmark-cli.js';
import {
  registerSystem,
  startConformanceNetwork,
  type ConformanceNetwork,
  type RegisteredSystem,
} from './conformance-network.js';

/**
 * `gridmark system check` against a system run as an operator runs one, `gridmark system serve
 * --config`: a real process over its SQLite file, trusting the gateway's key set, registered and
 * anchoring through the registry API. The check runs as the `gridmark` process too.
 */
const ROOT = new URL('../..', import.meta.url).pathname;

let network: ConformanceNetwork;
let jwks: Server;
let child: ChildProcess | undefined;
let stdout = '';
let stderr = '';
let url = '';
let system: RegisteredSystem;

function serveKeySet(): Promise<string> {
  const jwk = network.publicKey.export({ format: 'jwk' });
  const keys = [{ ...jwk, kid: keyIdOf(network.publicKey), alg: 'EdDSA', use: 'sig' }];
  jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys }));
  });
  return new Promise((resolve) =>
    jwks.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`),
    ),
  );
}

function writeConfig(jwksUrl: string): string {
  const db = new Database(join(network.dir, 'inverters.db'));
  db.exec('CREATE TABLE inverters (code TEXT PRIMARY KEY, model TEXT, rated INTEGER, curve TEXT)');
  const insert = db.prepare('INSERT INTO inverters VALUES (?, ?, ?, ?)');
  insert.run('PVI-1', 'SG-110CX', 110_000, '[0.96, 0.985]');
  insert.run('PVI-2', 'SG-125HX', 125_000, '[0.95, 0.98]');
  db.close();
  const file = join(network.dir, 'inverters.system.yaml');
  writeFileSync(
    file,
    `system: { name: inverters, title: Inverter maker }
fields:
  - { name: inverterModel, type: String, description: Model., column: model }
  - { name: inverterRatedPowerW, type: Int, description: Rated power., unit: W, column: rated }
  - { name: efficiencyCurve, type: "[Float!]", description: Efficiency at two loads., column: curve }
source: { kind: sqlite, path: inverters.db }
devices:
  load: SELECT code, model, rated, curve FROM json_each(?) AS j JOIN inverters ON code = j.value
  list: SELECT code FROM inverters
  identifier: { localColumn: code, template: "88.1001.1/{local}" }
anchoring:
  registryUrl: "${network.registryUrl}"
  systemCode: 88.1001.1
  apiKeyFile: inverters.api-key
  intervalSeconds: 1
gateway: { jwksUrl: "${jwksUrl}" }
listen: { port: 0 }
`,
  );
  return file;
}

/** Starts `gridmark system serve` and resolves with the URL it prints. */
function serve(config: string): Promise<string> {
  const started = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/gridmark.ts', 'system', 'serve', '--config', config],
    { cwd: ROOT, env: { ...process.env, GRIDMARK_LOG_LEVEL: 'warn' } },
  );
  child = started;
  started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    started.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const served = /serving at (http\S+)/.exec(stdout);
      if (served?.[1]) resolve(served[1]);
    });
    started.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

/** Resolves once the process printed its first anchoring pass. */
function anchored(): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const line = /inverters (anchored \d+ values|first anchoring pass failed)/.exec(stdout);
      if (line?.[1]) resolve(line[1]);
    };
    look();
    child?.stdout?.on('data', look);
    child?.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  network = await startConformanceNetwork();
  url = await serve(writeConfig(await serveKeySet()));
  system = await registerSystem(network, {
    name: 'inverters',
    creditCode: '91320500MA1N7PXK3R',
    url,
    fields: [
      { name: 'inverterModel' },
      { name: 'inverterRatedPowerW' },
      { name: 'efficiencyCurve' },
    ],
    localCodes: ['PVI-1', 'PVI-2'],
  });
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (jwks) await new Promise((resolve) => jwks.close(resolve));
  await network?.stop();
});

describe('gridmark system check against gridmark system serve', () => {
  it('passes every check once the system has anchored, run as the gridmark process', async () => {
    expect(system.code).toBe('88.1001.1');
    expect(await anchored()).toBe('anchored 6 values');
    const run = await runGridmark(network.registryUrl, [
      'system',
      'check',
      url,
      '--grant-key-file',
      network.grantKeyFile,
      '--system-code',
      system.code,
      '--key-file',
      system.apiKeyFile,
      '--json',
    ]);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(report.results.filter((r) => r.status !== 'PASS')).toEqual([]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(report).toMatchObject({
      audience: 'inverters',
      devices: ['88.1001.1/PVI-1', '88.1001.1/PVI-2'],
      conformant: true,
    });
    expect(report.results.find((r) => r.name === 'proofs-match-anchors')?.reason).toBe(
      '6 value(s) hash to their anchors on the ledger',
    );
  }, 90_000);
});
