import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Caller,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../ledger-adapter/index.js';
import { silentLogger } from '../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../subgraphs/index.js';
import { runGridmark, type GridmarkRun } from './fixtures/gridmark-cli.js';

/**
 * Faults an operator met with the `gridmark` command, run as they run it against a live registry
 * over HTTP: a device file that is half written when a late row is bad, a device re-registered
 * with another kind without a word, an application's old keys that nobody could list or revoke,
 * and a port `fetch` refuses that failed with nothing but "fetch failed".
 */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const CREDIT_CODE = '91320500MA1N7PXK3R';
const dir = mkdtempSync(join(tmpdir(), 'gridmark-cli-faults-'));
const keyFile = join(dir, 'system.key');
const claimerKeyFile = join(dir, 'claimer.key');
const adminKeyFile = join(dir, 'admin.key');
let ledger: LedgerAdapter;
let registry: Registry;
let gateway: Gateway;
let station: RunningSubgraph;
let claimer: RunningSubgraph;
let base = '';
let systemCode = '';

const gridmark = (...args: string[]): Promise<GridmarkRun> =>
  runGridmark(new URL('/registry', base).toString(), args);
const devices = async (): Promise<number> => (await registry.statistics(ADMIN)).devices;
const holdingsOf = async (identifier: string) =>
  (await registry.getIdentifier(identifier))?.holdings ?? [];
/** A CSV of own devices `WS-1` ... `WS-n` (kind OTHER), with some rows replaced: row number (1-based, header not counted) to line. */
function deviceCsv(
  name: string,
  rows: number,
  replaced: Readonly<Record<number, string>> = {},
): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      'localCode,kind',
      ...Array.from({ length: rows }, (_, i) => replaced[i + 1] ?? `WS-${i + 1},OTHER`),
    ].join('\n'),
  );
  return path;
}

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
  writeFileSync(adminKeyFile, await registry.bootstrapAdminKey('test console'), { mode: 0o600 });
  const operator = await onboardEnterprise(registry, {
    creditCode: CREDIT_CODE,
    name: 'Weather Co.',
  });
  const { system, apiKey } = await registry.registerSystem(operator.caller, {
    creditCode: CREDIT_CODE,
    systemName: 'Weather stations',
    subgraphName: 'weather',
    description: 'Irradiance',
    url: station.url,
  });
  systemCode = system.code;
  writeFileSync(keyFile, apiKey, { mode: 0o600 });
  // A second system, which claims the stations the first identified.
  claimer = await serveSubgraph(
    defineSubgraph({
      name: 'cleaning',
      title: 'panel cleaning',
      fields: [{ name: 'lastCleanedAt', type: 'String', description: 'Last cleaned.' }],
      loadDevices: (ids) =>
        Promise.resolve(new Map(ids.map((id) => [id, { lastCleanedAt: '2026-06-01' }]))),
    }),
    { port: 0 },
    { logger: silentLogger },
  );
  const cleaning = await registry.registerSystem(operator.caller, {
    creditCode: CREDIT_CODE,
    systemName: 'Panel cleaning',
    subgraphName: 'cleaning',
    description: 'Cleaning rounds',
    url: claimer.url,
  });
  writeFileSync(claimerKeyFile, cleaning.apiKey, { mode: 0o600 });
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await ledger.close();
  await station.stop();
  await claimer.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('gridmark devices register: the whole file or nothing', () => {
  it('refuses a file whose 230th row is malformed, in its third batch, before writing its first', async () => {
    const r = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      deviceCsv('late-bad.csv', 250, { 230: 'WS 230,OTHER' }),
      '--batch-size',
      '100',
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(2);
    // Line 231: the header is line 1.
    expect(r.stderr).toMatch(/BAD_DEVICE_ROW: row 231: local code "WS 230"/);
    expect(await devices()).toBe(0);
  });

  it('refuses a local code that comes back in a later batch with another kind, naming both rows', async () => {
    const r = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      deviceCsv('twice.csv', 250, { 205: 'WS-5,INVERTER' }),
      '--batch-size',
      '100',
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('DUPLICATE_IDENTIFIER: row 206: local code WS-5 repeats row 6.');
    expect(await devices()).toBe(0);
  });

  it('finds a clash with what the registry holds in the last batch before anything of the file is written', async () => {
    await registry.registerDevices(ADMIN, systemCode, [{ localCode: 'K-1', kind: 'INVERTER' }]);
    const r = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      deviceCsv('kind.csv', 250, { 240: 'K-1,METER' }),
      '--batch-size',
      '100',
      '--key-file',
      keyFile,
    );
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(
      `DEVICE_KIND_CONFLICT: ${systemCode}/K-1 is registered as INVERTER, not METER (file row 241; nothing of the file was written)`,
    );
    expect(r.stderr).toContain('checked 200/250 rows');
    expect(r.stdout).toBe('');
    expect(await devices()).toBe(1);
    expect((await registry.getIdentifier(`${systemCode}/K-1`))?.kind).toBe('INVERTER');
  });

  it('registers a file that passed its check, and takes the same kind again as a re-run', async () => {
    const r = await gridmark(
      'devices',
      'register',
      '--system',
      systemCode,
      '--file',
      deviceCsv('good.csv', 250, { 240: 'K-1,INVERTER' }),
      '--batch-size',
      '100',
      '--key-file',
      keyFile,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('checked 250/250 rows');
    expect(r.stdout).toMatch(/^249 registered, 1 already registered, 250 rows/);
    expect(await devices()).toBe(250);
  });

  it('refuses a claim file whose late row names an identifier nobody registered, and records no claim of it', async () => {
    const claims = join(dir, 'claims.json');
    writeFileSync(
      claims,
      JSON.stringify([
        ...Array.from({ length: 150 }, (_, i) => ({
          identifier: `${systemCode}/WS-${i + 1}`,
          localCode: `C-${i + 1}`,
        })),
        { identifier: `${systemCode}/WS-404`, localCode: 'C-404' },
      ]),
    );
    const cleaningCode =
      (await registry.listSystems()).find((s) => s.subgraphName === 'cleaning')?.code ?? '';
    const r = await gridmark(
      'devices',
      'claim',
      '--system',
      cleaningCode,
      '--file',
      claims,
      '--batch-size',
      '100',
      '--key-file',
      claimerKeyFile,
    );
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(
      `UNKNOWN_IDENTIFIER: ${systemCode}/WS-404 is not a registered identifier (file row 151; nothing of the file was written)`,
    );
    expect(await holdingsOf(`${systemCode}/WS-1`)).toEqual([{ systemCode, localCode: 'WS-1' }]);
    // Without the bad row, every claim is recorded.
    writeFileSync(
      claims,
      JSON.stringify(
        Array.from({ length: 150 }, (_, i) => ({
          identifier: `${systemCode}/WS-${i + 1}`,
          localCode: `C-${i + 1}`,
        })),
      ),
    );
    expect(
      (
        await gridmark(
          'devices',
          'claim',
          '--system',
          cleaningCode,
          '--file',
          claims,
          '--batch-size',
          '100',
          '--key-file',
          claimerKeyFile,
        )
      ).stdout,
    ).toMatch(/^150 registered/);
    expect(await holdingsOf(`${systemCode}/WS-150`)).toEqual([
      { systemCode, localCode: 'WS-150' },
      { systemCode: cleaningCode, localCode: 'C-150' },
    ]);
  });
});

describe("gridmark app keys: an application's earlier keys", () => {
  it('lists every key of an application, revokes one by its id, and that key is refused at once while the others work', async () => {
    const registered = await gridmark(
      'app',
      'register',
      '--name',
      'fleet analytics',
      '--role',
      'analyst',
      '--key-file',
      adminKeyFile,
    );
    const appId = /registered application (APP-\d+)/.exec(registered.stdout)?.[1] ?? '';
    const firstKey = /^(gmk_\S+)$/m.exec(registered.stdout)?.[1] ?? '';
    const issued = await gridmark(
      'app',
      'key',
      'issue',
      '--name',
      'fleet analytics',
      '--key-file',
      adminKeyFile,
    );
    expect(issued.code, issued.stderr).toBe(0);
    const secondKey = /^(gmk_\S+)$/m.exec(issued.stdout)?.[1] ?? '';
    const [firstId, secondId] = [firstKey, secondKey].map((k) => k.split('_')[1] ?? '');
    writeFileSync(join(dir, 'app1.key'), firstKey, { mode: 0o600 });
    writeFileSync(join(dir, 'app2.key'), secondKey, { mode: 0o600 });

    const listed = await gridmark('app', 'keys', appId, '--key-file', join(dir, 'app1.key'));
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) =>
          l
            .split(/\s+/)
            .slice(0, 1)
            .concat(l.includes(' valid ') ? 'valid' : 'revoked'),
        ),
    ).toEqual([
      [firstId, 'valid'],
      [secondId, 'valid'],
    ]);
    expect(listed.stdout).not.toContain('gmk_');

    const revoked = await gridmark(
      'app',
      'key',
      'revoke',
      appId,
      firstId ?? '',
      '--key-file',
      adminKeyFile,
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`key ${firstId} of ${appId} is revoked`);
    const refused = await gridmark('app', 'keys', appId, '--key-file', join(dir, 'app1.key'));
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    const json = JSON.parse(
      (await gridmark('app', 'keys', appId, '--json', '--key-file', join(dir, 'app2.key'))).stdout,
    ) as { keyId: string; revokedAt: string | null }[];
    expect(json.map((k) => [k.keyId, k.revokedAt === null])).toEqual([
      [firstId, false],
      [secondId, true],
    ]);
  });

  it("keeps an application's keys from other applications and from business systems, and names an unknown key", async () => {
    const other = await gridmark(
      'app',
      'register',
      '--name',
      'other app',
      '--role',
      'analyst',
      '--key-file',
      adminKeyFile,
    );
    writeFileSync(join(dir, 'other.key'), /^(gmk_\S+)$/m.exec(other.stdout)?.[1] ?? '', {
      mode: 0o600,
    });
    const first = (await registry.getApplication('APP-0001'))?.appId ?? '';
    expect(
      (await gridmark('app', 'keys', first, '--key-file', join(dir, 'other.key'))).stderr,
    ).toContain('FORBIDDEN');
    expect((await gridmark('app', 'keys', first, '--key-file', keyFile)).stderr).toContain(
      'FORBIDDEN',
    );
    const unknown = await gridmark(
      'app',
      'key',
      'revoke',
      first,
      'nosuchkey000',
      '--key-file',
      adminKeyFile,
    );
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain('NOT_FOUND');
  });
});

describe('a port fetch refuses', () => {
  it('is refused when a system registers or moves there, with a message that says why', async () => {
    writeFileSync(
      join(dir, 'operator.key'),
      (await registry.issueEnterpriseKey(ADMIN, CREDIT_CODE)).apiKey,
      { mode: 0o600 },
    );
    const registered = await gridmark(
      'system',
      'register',
      '--credit-code',
      CREDIT_CODE,
      '--name',
      'Pyranometers',
      '--subgraph',
      'pyranometers',
      '--description',
      'x',
      '--url',
      'http://127.0.0.1:6000/graphql',
      '--key-file',
      join(dir, 'operator.key'),
    );
    expect(registered.code).toBe(2);
    expect(registered.stderr).toContain(
      'URL_NOT_ALLOWED: url uses port 6000, one of the ports the Fetch standard blocks',
    );
    const moved = await gridmark(
      'system',
      'endpoint',
      systemCode,
      '--url',
      'http://127.0.0.1:10080/',
      '--key-file',
      keyFile,
    );
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain('port 10080');
    expect(moved.stderr).toContain('"bad port"');
    expect((await registry.getSystem(systemCode))?.url).toBe(station.url);
  });

  it('names the port when the registry itself is given at one', async () => {
    const r = await runGridmark('http://127.0.0.1:6000/registry', ['system', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'BAD_CONFIGURATION: the registry URL http://127.0.0.1:6000/registry uses port 6000',
    );
  });
});
