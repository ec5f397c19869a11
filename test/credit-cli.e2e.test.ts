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
  type CreditEvent,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import { silentLogger } from '../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../subgraphs/index.js';
import { runGridmark, type GridmarkRun } from './fixtures/gridmark-cli.js';

/** `gridmark credit ...` and `gridmark system reinstate`, run as operators and applications run them. */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-credit-cli-'));
const CREDIT_CODE = '91640000227694411F';
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
let registry: Registry;
let gateway: Gateway;
let station: RunningSubgraph;
let base = '';
const keyFiles: Record<'admin' | 'app' | 'operator', string> = {
  admin: join(dir, 'admin.key'),
  app: join(dir, 'app.key'),
  operator: join(dir, 'operator.key'),
};

const gridmark = (...args: string[]): Promise<GridmarkRun> =>
  runGridmark(new URL('/registry', base).toString(), args);

beforeAll(async () => {
  const weather = defineSubgraph({
    name: 'weather',
    title: 'weather stations',
    fields: [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.' }],
    loadDevices: (ids) => Promise.resolve(new Map(ids.map((id) => [id, { irradianceWm2: 640 }]))),
  });
  station = await serveSubgraph(weather, { port: 0 }, { logger: silentLogger });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1003',
    tradedWith: (appId, systemCode) =>
      Promise.resolve(appId === 'APP-0001' && systemCode === '88.1003.1'),
  });
  const system = await registry.registerSystem(
    (await onboardEnterprise(registry, { creditCode: CREDIT_CODE, name: 'Weather Co.' })).caller,
    {
      creditCode: CREDIT_CODE,
      systemName: 'Weather stations',
      subgraphName: 'weather',
      description: 'Irradiance',
      url: station.url,
    },
  );
  writeFileSync(keyFiles.operator, system.apiKey);
  writeFileSync(keyFiles.admin, await registry.bootstrapAdminKey('test console'));
  writeFileSync(
    keyFiles.app,
    (await registry.registerApplication(ADMIN, { name: 'yield analytics', roles: ['analyst'] }))
      .apiKey,
  );
  gateway = createGateway({ registry, logger: silentLogger });
  await gateway.start();
  base = await gateway.listen(0);
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await station.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Each command starts a process through tsx (about 2 s); give a loaded machine room.
describe('gridmark credit CLI', { timeout: 90_000 }, () => {
  it('rates a system with an application key, once a day', async () => {
    const rated = await gridmark(
      'credit',
      'feedback',
      '88.1003.1',
      '--score',
      '2',
      '--reason',
      'gaps in the readings',
      '--key-file',
      keyFiles.app,
    );
    expect(rated).toMatchObject({
      code: 0,
      stdout: `rated 88.1003.1 2: credit of ${CREDIT_CODE} 80 -> 79 (-1)\n`,
    });
    const again = await gridmark(
      'credit',
      'feedback',
      '88.1003.1',
      '--score',
      '5',
      '--reason',
      'fixed',
      '--key-file',
      keyFiles.app,
    );
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('FEEDBACK_LIMIT');
    const operator = await gridmark(
      'credit',
      'feedback',
      '88.1003.1',
      '--score',
      '5',
      '--reason',
      'we are great',
      '--key-file',
      keyFiles.operator,
    );
    expect(operator.code).toBe(5);
    expect(operator.stderr).toContain('FORBIDDEN');
    const bad = await gridmark(
      'credit',
      'feedback',
      '88.1003.1',
      '--score',
      'three',
      '--reason',
      'x',
      '--key-file',
      keyFiles.app,
    );
    expect(bad.code).toBe(2);
  });

  it('prints the history of a system or an enterprise, as lines or JSON', async () => {
    await registry.penalizeTampering('88.1003.1', {
      deviceId: '88.1003.1/WS-1',
      fieldCode: '88.1003.1.F0001',
    });
    await registry.penalizeTampering('88.1003.1', {
      deviceId: '88.1003.1/WS-2',
      fieldCode: '88.1003.1.F0001',
    });
    const lines = await gridmark('credit', 'history', '88.1003.1', '--key-file', keyFiles.app);
    expect(lines.code).toBe(0);
    expect(lines.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/FEEDBACK\s+-1\s+80 -> 79\s+gaps in the readings/),
      expect.stringMatching(/TAMPER\s+-10\s+79 -> 69/),
      expect.stringMatching(/TAMPER\s+-10\s+69 -> 59 .*WS-2/),
    ]);
    const json = await gridmark(
      'credit',
      'history',
      CREDIT_CODE,
      '--json',
      '--after',
      '1',
      '--key-file',
      keyFiles.app,
    );
    expect(
      (JSON.parse(json.stdout) as CreditEvent[]).map((e) => [
        e.kind,
        e.scoreAfter,
        e.reference.deviceId,
      ]),
    ).toEqual([
      ['TAMPER', 69, '88.1003.1/WS-1'],
      ['TAMPER', 59, '88.1003.1/WS-2'],
    ]);
    expect((await gridmark('credit', 'history', CREDIT_CODE)).code).toBe(5);
  });

  it('reinstates the suspended system with an admin key, refusing a score below the threshold', async () => {
    expect((await registry.getSystem('88.1003.1'))?.status).toBe('SUSPENDED');
    const low = await gridmark(
      'system',
      'reinstate',
      '88.1003.1',
      '--reason',
      'appeal',
      '--score',
      '50',
      '--key-file',
      keyFiles.admin,
    );
    expect(low.code).toBe(2);
    expect(low.stderr).toContain('BAD_INPUT');
    const back = await gridmark(
      'system',
      'reinstate',
      '88.1003.1',
      '--reason',
      'appeal upheld',
      '--score',
      '65',
      '--key-file',
      keyFiles.admin,
    );
    expect(back).toMatchObject({
      code: 0,
      stdout: `88.1003.1 is now ACTIVE; credit of ${CREDIT_CODE} raised 59 -> 65\n`,
    });
    const again = await gridmark(
      'system',
      'reinstate',
      '88.1003.1',
      '--reason',
      'again',
      '--key-file',
      keyFiles.admin,
    );
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('INVALID_STATE');
  });
});
