import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Gateway,
  type Registry,
} from '../../gateway/index.js';
import { TEST_ADMIN as ADMIN, onboardEnterprise } from '../../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../../ledger-adapter/index.js';
import { silentLogger } from '../../schema/index.js';
import {
  parseSystemConfig,
  startConfiguredSystem,
  type RunningConfiguredSystem,
} from '../../subgraphs/index.js';

/**
 * A configured business system in a network: it serves before it is registered, starts
 * anchoring once its API key file appears, and the gateway then releases its values as verified.
 */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-system-anchoring-'));
const gatewayKey = generateKeyPairSync('ed25519');
const CREDIT_CODE = '91640100MA77LQ3F21';
const keyFile = join(dir, 'weather.key');

let ledger: LedgerAdapter;
let registry: Registry;
let gateway: Gateway;
let system: RunningConfiguredSystem;
let url = '';

beforeAll(async () => {
  const db = new Database(join(dir, 'weather.db'));
  db.exec('CREATE TABLE stations (code TEXT PRIMARY KEY, irradiance REAL, model TEXT)');
  db.prepare("INSERT INTO stations VALUES ('WS-1', 640.5, 'SR-30'), ('WS-2', 12, 'SR-20')").run();
  db.close();
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
  });
  gateway = createGateway({
    registry,
    access: { ledger, signingKey: gatewayKey.privateKey },
    logger: silentLogger,
  });
  await gateway.start();
  url = await gateway.listen(0);
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await gateway.stop();
  await registry.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a configured system in a network', () => {
  it('anchors once its key file appears, and its values reach applications verified', async () => {
    const env = {
      GRIDMARK_GATEWAY_PUBLIC_KEY: gatewayKey.publicKey
        .export({ type: 'spki', format: 'pem' })
        .toString(),
    };
    const config = parseSystemConfig(
      {
        system: { name: 'weather', title: 'Weather stations' },
        fields: [
          {
            name: 'irradianceWm2',
            type: 'Float',
            description: 'Irradiance.',
            column: 'irradiance',
            changePolicy: 'release-unverified',
          },
          { name: 'stationModel', type: 'String', description: 'Model.', column: 'model' },
        ],
        source: { kind: 'sqlite', path: 'weather.db' },
        devices: {
          load: 'SELECT code, irradiance, model FROM json_each(?) JOIN stations ON code = value',
          list: 'SELECT code FROM stations',
          identifier: { localColumn: 'code', template: '88.1001.1/{local}' },
        },
        anchoring: {
          registryUrl: new URL('/registry', url).toString(),
          systemCode: '88.1001.1',
          apiKeyFile: keyFile,
          intervalSeconds: 1,
        },
        listen: { port: 0 },
      },
      { env, baseDirectory: dir },
    );
    const firstPasses: unknown[] = [];
    system = await startConfiguredSystem(config, {
      env,
      logger: silentLogger,
      onFirstAnchorPass: (outcome) => firstPasses.push(outcome),
    });
    expect(system.anchoring().phase).toBe('waiting-for-key');

    const { caller } = await onboardEnterprise(registry, {
      creditCode: CREDIT_CODE,
      name: 'Weather Co.',
    });
    const registered = await registry.registerSystem(caller, {
      creditCode: CREDIT_CODE,
      systemName: 'weather',
      subgraphName: 'weather',
      description: 'Weather stations',
      url: system.url,
    });
    expect(registered.system.code).toBe('88.1001.1');
    const fields = await registry.registerFields(ADMIN, registered.system.code, [
      { name: 'irradianceWm2', feeFen: 1, changePolicy: 'release-unverified' },
      { name: 'stationModel', feeFen: 1 },
    ]);
    await registry.registerDevices(ADMIN, '88.1001.1', [
      { localCode: 'WS-1', kind: 'METER' as const },
      { localCode: 'WS-2', kind: 'METER' as const },
    ]);
    const app = await registry.registerApplication(ADMIN, { name: 'forecast', roles: ['analyst'] });
    await registry.publishRule(ADMIN, {
      appId: app.application.appId,
      function: 'forecast',
      role: 'analyst',
      fieldCodes: fields.map((f) => f.code),
    });
    writeFileSync(keyFile, registered.apiKey);
    chmodSync(keyFile, 0o600);

    const ask = async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${app.apiKey}`,
          'x-gridmark-function': 'forecast',
          'x-gridmark-role': 'analyst',
        },
        body: JSON.stringify({
          query: '{ device(id: "88.1001.1/WS-1") { id irradianceWm2 stationModel } }',
        }),
      });
      return (await response.json()) as {
        data?: { device: unknown };
        extensions?: { gridmark?: { values?: Record<string, Record<string, { status: string }>> } };
      };
    };
    let answer = await ask();
    for (
      let i = 0;
      i < 40 &&
      answer.extensions?.gridmark?.values?.['88.1001.1/WS-1']?.['stationModel']?.status !==
        'VERIFIED';
      i++
    ) {
      await settle(500);
      answer = await ask();
    }
    expect(system.anchoring().phase).toBe('anchoring');
    // Two devices with two fields each, told once.
    expect(firstPasses).toEqual([{ anchored: 4 }]);
    expect(answer.data?.device).toEqual({
      id: '88.1001.1/WS-1',
      irradianceWm2: 640.5,
      stationModel: 'SR-30',
    });
    const statuses = answer.extensions?.gridmark?.values?.['88.1001.1/WS-1'] ?? {};
    expect(statuses['stationModel']?.status).toBe('VERIFIED');
    expect(statuses['irradianceWm2']?.status).toBe('VERIFIED');
  }, 60_000);
});
