import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { createLedger, type LedgerAdapter } from '../ledger-adapter/index.js';
import { silentLogger } from '../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../subgraphs/index.js';
import { runGridmark, type GridmarkRun } from './fixtures/gridmark-cli.js';

/** The `gridmark` command, run as an operator runs it, against a live registry over HTTP. */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-cli-'));
const keyFile = join(dir, 'system.key');
const adminKeyFile = join(dir, 'console-admin.key');
const operatorKeyFile = join(dir, 'operator.key');
const CREDIT_CODE = '91640000227694411F';

/** Writes a key a command printed to a file only its owner reads, as an operator keeps it. */
function keepKey(stdout: string, file: string): void {
  writeFileSync(file, /^(gmk_\S+)$/m.exec(stdout)?.[1] ?? '');
  chmodSync(file, 0o600);
}
let registry: Registry;
let ledger: LedgerAdapter;
let gateway: Gateway;
let station: RunningSubgraph;
let base = '';
let systemCode = '';

const gridmark = (...args: string[]): Promise<GridmarkRun> =>
  runGridmark(new URL('/registry', base).toString(), args);

beforeAll(async () => {
  const weather = defineSubgraph({
    name: 'weather',
    title: 'weather stations',
    fields: [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.', unit: 'W/m²' }],
    loadDevices: (ids) => Promise.resolve(new Map(ids.map((id) => [id, { irradianceWm2: 640 }]))),
  });
  station = await serveSubgraph(weather, { port: 0 }, { logger: silentLogger });
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1002',
    ledger,
  });
  gateway = createGateway({ registry, logger: silentLogger });
  await gateway.start();
  base = await gateway.listen(0);
  writeFileSync(adminKeyFile, await registry.bootstrapAdminKey('test console'));
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await ledger.close();
  await station.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('gridmark CLI', () => {
  const register = [
    'system',
    'register',
    '--credit-code',
    CREDIT_CODE,
    '--name',
    'Weather stations',
    '--subgraph',
    'weather',
    '--description',
    'Irradiance at the plant',
    '--url',
  ];

  it('takes an application without a key, which registers nothing until an admin approves it', async () => {
    const applied = await gridmark(
      'enterprise',
      'apply',
      '--credit-code',
      CREDIT_CODE,
      '--name',
      'Weather Co.',
      '--contact',
      'ops@weather.example',
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('is PENDING');
    const anonymous = await gridmark(...register, station.url);
    expect(anonymous.code).toBe(5);
    expect(anonymous.stderr).toContain('UNAUTHENTICATED');
    const queue = await gridmark(
      'enterprise',
      'list',
      '--status',
      'PENDING',
      '--key-file',
      adminKeyFile,
    );
    expect(queue.stdout).toContain(`${CREDIT_CODE} PENDING  Weather Co.  <ops@weather.example>`);
    const approved = await gridmark(
      'enterprise',
      'approve',
      CREDIT_CODE,
      '--key-file',
      adminKeyFile,
    );
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('approved Weather Co.');
    keepKey(approved.stdout, operatorKeyFile);
    expect(
      (await gridmark('enterprise', 'approve', CREDIT_CODE, '--key-file', adminKeyFile)).stderr,
    ).toContain('INVALID_STATE');
  });

  it('issues a further operator key to a platform admin only; the registration below uses it', async () => {
    const refused = await gridmark('enterprise', 'key', CREDIT_CODE, '--key-file', operatorKeyFile);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('FORBIDDEN');
    const issued = await gridmark('enterprise', 'key', CREDIT_CODE, '--key-file', adminKeyFile);
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain('new operator key for Weather Co.');
    keepKey(issued.stdout, operatorKeyFile);
  });

  it("registers a system with the enterprise's operator key and prints its code and the system's key once", async () => {
    const r = await gridmark(...register, station.url, '--key-file', operatorKeyFile);
    expect(r.code).toBe(0);
    systemCode = /as system (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(systemCode).toBe('88.1002.1');
    keepKey(r.stdout, keyFile);
  });

  it('refuses a bad credit code with exit code 2 and the error code', async () => {
    const r = await gridmark(
      'system',
      'register',
      '--credit-code',
      '91640000227694411G',
      '--name',
      'X',
      '--subgraph',
      'x',
      '--description',
      'x',
      '--url',
      station.url,
      '--key-file',
      operatorKeyFile,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BAD_CREDIT_CODE');
  });

  it('registers fields with fee standards', async () => {
    const r = await gridmark(
      'fields',
      'register',
      '--system',
      systemCode,
      '--field',
      'irradianceWm2=3',
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${systemCode}.F0001`);
    expect(r.stdout).toContain('3 fen/use');
  });

  it('refuses a CSV with a malformed row before sending anything, naming the line', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'localCode,kind\nWS-1,OTHER\nWS 2,OTHER\nWS-3,OTHER\n');
    const r = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      csv,
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BAD_DEVICE_ROW: row 3/);
    expect(
      (await registry.statistics({ role: 'PLATFORM_ADMIN', keyId: 't', label: 't' })).devices,
    ).toBe(0);
  });

  it('registers devices from CSV in batches with progress, and a re-run changes nothing', async () => {
    const csv = join(dir, 'devices.csv');
    writeFileSync(
      csv,
      ['localCode,kind', ...Array.from({ length: 250 }, (_, i) => `WS-${i + 1},OTHER`)].join(
        '\r\n',
      ),
    );
    const r = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      csv,
      '--batch-size',
      '100',
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('100/250 rows');
    expect(r.stderr).toContain('250/250 rows');
    expect(r.stdout).toMatch(/^250 registered, 0 already registered/);
    const again = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      csv,
      '--key-file',
      keyFile,
    );
    expect(again.stdout).toMatch(/^0 registered, 250 already registered/);
    const served = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ device(id: "${systemCode}/WS-7") { kind heldBy irradianceWm2 } }`,
      }),
    });
    expect(await served.json()).toEqual({
      data: { device: { kind: 'OTHER', heldBy: ['weather'], irradianceWm2: 640 } },
    });
  });

  it('refuses a claim batch with an unknown prefix, naming the file row', async () => {
    const json = join(dir, 'claims.json');
    writeFileSync(
      json,
      JSON.stringify([
        { identifier: `${systemCode}/WS-1`, localCode: 'L1' },
        { identifier: '88.4040.1/Z-1', localCode: 'L2' },
      ]),
    );
    const r = await gridmark(
      'devices',
      'claim',
      '--system',
      systemCode,
      '--file',
      json,
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('UNKNOWN_PREFIX');
    expect(r.stderr).toContain('file row 2');
  });

  it('shows an identifier and prints its QR code to the terminal and to SVG and PNG files', async () => {
    const shown = await gridmark('id', 'show', `${systemCode}/WS-1`, '--gateway', base);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      identifier: `${systemCode}/WS-1`,
      issuer: { code: systemCode },
    });
    const terminal = await gridmark('id', 'qr', `${systemCode}/WS-1`, '--gateway', base);
    expect(terminal.stdout).toContain(`${base}id/${systemCode}/WS-1`);
    expect(terminal.stdout).toContain('█');
    const svg = join(dir, 'label.svg');
    expect(
      (await gridmark('id', 'qr', `${systemCode}/WS-1`, '--gateway', base, '--out', svg)).code,
    ).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const png = join(dir, 'label.png');
    await gridmark('id', 'qr', `${systemCode}/WS-1`, '--out', png, '--plain');
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers an unknown identifier with its code and exit code 6', async () => {
    const r = await gridmark('id', 'show', `${systemCode}/NOPE`, '--gateway', base);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('UNKNOWN_IDENTIFIER');
  });

  it('refuses an operator acting as an admin with FORBIDDEN (exit 5)', async () => {
    const r = await gridmark(
      'system',
      'suspend',
      systemCode,
      '--reason',
      'self-suspension',
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('FORBIDDEN');
  });

  it('mints an admin key at the console that works over the API', async () => {
    const minted = await gridmark(
      'registry',
      'admin-key',
      '--db',
      join(dir, 'registry.db'),
      '--label',
      'night shift',
    );
    const key = /^(gmk_\S+)$/m.exec(minted.stdout)?.[1] ?? '';
    const adminFile = join(dir, 'admin.key');
    writeFileSync(adminFile, key);
    const stats = await gridmark('stats', '--key-file', adminFile);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ devices: 250, systems: { active: 1 } });
    const app = await gridmark(
      'app',
      'register',
      '--name',
      'irradiance analytics',
      '--role',
      'analyst',
      '--key-file',
      adminFile,
    );
    expect(app.stdout).toContain('registered application APP-0001');
    const rule = await gridmark(
      'rule',
      'publish',
      '--app',
      'APP-0001',
      '--function',
      'yield-forecast',
      '--role',
      'analyst',
      '--field',
      `${systemCode}.F0001`,
      '--key-file',
      adminFile,
    );
    expect(rule.code).toBe(0);
    expect(rule.stdout).toMatch(
      /rule on the ledger \(transaction [0-9a-f]{64}\): 88\.1002\.1\.F0001/,
    );
    const unknown = await gridmark(
      'rule',
      'publish',
      '--app',
      'APP-0001',
      '--function',
      'yield-forecast',
      '--field',
      '88.1002.1.F0099',
      '--key-file',
      adminFile,
    );
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain('UNKNOWN_FIELD');
  });
});
