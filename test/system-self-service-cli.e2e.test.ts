import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
import { runGridmark, type GridmarkRun } from './fixtures/gridmark-cli.js';

/** `gridmark system identifiers` and `gridmark system anchoring`, run as a system's team runs them. */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-self-service-cli-'));
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const SDL = (field: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${field}: String }`;
let ledger: LedgerAdapter;
let registry: Registry;
let gateway: Gateway;
let base = '';
let modelCode = '';
let txId = '';
const keyFiles = { maker: join(dir, 'maker.key'), other: join(dir, 'other.key') };

const gridmark = (...args: string[]): Promise<GridmarkRun> =>
  runGridmark(new URL('/registry', base).toString(), args);

async function registerSystem(name: string, creditCode: string, keyFile: string): Promise<Caller> {
  const { caller } = await onboardEnterprise(registry, { creditCode, name });
  const { apiKey } = await registry.registerSystem(caller, {
    creditCode,
    systemName: name,
    subgraphName: name,
    description: name,
    url: `http://${name}.test/`,
  });
  writeFileSync(keyFile, apiKey, { mode: 0o600 });
  return registry.authenticate(apiKey);
}

beforeAll(async () => {
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    authorityPrefix: '88.1004',
    ledger,
    logger: silentLogger,
    probeSubgraph: (name) => Promise.resolve(SDL(name === 'maker' ? 'model' : 'reading')),
  });
  const maker = await registerSystem('maker', '91320500MA1N7PXK3R', keyFiles.maker);
  await registerSystem('other', '91640100MA77LQ3F21', keyFiles.other);
  modelCode =
    (await registry.registerFields(ADMIN, '88.1004.1', [{ name: 'model' }]))[0]?.code ?? '';
  await registry.registerDevices(ADMIN, '88.1004.1', [
    { localCode: 'INV-1', kind: 'INVERTER' },
    { localCode: 'INV-2', kind: 'INVERTER' },
    { localCode: 'MTR-1', kind: 'METER' },
  ]);
  txId = (
    await registry.anchorCommitments(maker, '88.1004.1', [
      { deviceId: '88.1004.1/INV-1', fieldCode: modelCode, commitment: 'b'.repeat(64) },
    ])
  ).txId;
  await registry.penalizeTampering('88.1004.1', {
    deviceId: '88.1004.1/INV-1',
    fieldCode: modelCode,
  });
  await registry.flushLedgerEvidence();
  gateway = createGateway({ registry, logger: silentLogger });
  await gateway.start();
  base = await gateway.listen(0);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await registry?.close();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Each command starts a process through tsx (about 2 s); they run side by side, with room for a loaded machine.
describe('gridmark system identifiers and anchoring', { timeout: 90_000 }, () => {
  it('prints tables, pages, JSON, and refuses another system and a bad limit', async () => {
    const [page, json, anchoring, refused, badLimit] = await Promise.all([
      gridmark('system', 'identifiers', '88.1004.1', '--limit', '2', '--key-file', keyFiles.maker),
      gridmark(
        'system',
        'identifiers',
        '88.1004.1',
        '--after',
        '88.1004.1/INV-2',
        '--json',
        '--key-file',
        keyFiles.maker,
      ),
      gridmark('system', 'anchoring', '88.1004.1', '--key-file', keyFiles.maker),
      gridmark('system', 'anchoring', '88.1004.1', '--key-file', keyFiles.other),
      gridmark(
        'system',
        'identifiers',
        '88.1004.1',
        '--limit',
        'many',
        '--key-file',
        keyFiles.maker,
      ),
    ]);
    expect(page.code).toBe(0);
    const lines = page.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^IDENTIFIER\s+LOCAL CODE\s+KIND\s+STATUS\s+ISSUER\s+HELD SINCE$/);
    expect(lines[1]).toMatch(/^88\.1004\.1\/INV-1\s+INV-1\s+INVERTER\s+ACTIVE\s+88\.1004\.1\s/);
    expect(lines[2]).toMatch(/^88\.1004\.1\/INV-2\s+INV-2\s+INVERTER/);
    expect(lines[3]).toBe('more: gridmark system identifiers 88.1004.1 --after 88.1004.1/INV-2');

    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      items: [expect.objectContaining({ identifier: '88.1004.1/MTR-1', kind: 'METER' })],
      nextCursor: null,
    });

    expect(anchoring.code).toBe(0);
    expect(anchoring.stdout).toContain('system 88.1004.1: 3 device(s) checked');
    expect(anchoring.stdout).toMatch(
      new RegExp(`${modelCode}\\s+model\\s+REFUSE\\s+1\\s+2\\s+\\S+\\s+${txId}`),
    );
    expect(anchoring.stdout).toContain(
      'pending (registry evidence not yet on the ledger): 0 field update(s), 0 catalog entries',
    );
    expect(anchoring.stdout).toMatch(
      /failed verification \(newest first\):\n.*\n\S+\s+TAMPERED\s+88\.1004\.1\/INV-1\s/,
    );

    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('FORBIDDEN');
    expect(refused.stdout).toBe('');

    expect(badLimit.code).not.toBe(0);
    expect(badLimit.stderr).toContain('BAD_INPUT');
  });

  it('explains itself with --help', async () => {
    const help = await gridmark('system', 'anchoring', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gridmark system anchoring <system code>');
  });
});
