import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRegistry,
  openSqliteRegistryStore,
  type Caller,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../ledger-adapter/index.js';
import { GridmarkError, silentLogger } from '../schema/index.js';

/** The registry's evidence reaching the embedded ledger: fields with fees, the association catalog. */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const SDL = (fields: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${fields} }`;
const SDLS: Record<string, string> = {
  maker: SDL('model: String'),
  scada: SDL('outputPowerW: Float voltageV: Float'),
};

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function setup(ledger: LedgerAdapter): Registry {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-evidence-'));
  const registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    authorityPrefix: '88.1001',
    ledger,
    logger: silentLogger,
    probeSubgraph: (name) => Promise.resolve(SDLS[name] ?? ''),
  });
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => registry.close(),
  );
  return registry;
}

async function embedded(): Promise<LedgerAdapter> {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-evidence-ledger-'));
  const ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => ledger.close(),
  );
  return ledger;
}

async function populate(registry: Registry): Promise<void> {
  const register = async (name: string, creditCode: string) =>
    registry.registerSystem((await onboardEnterprise(registry, { creditCode, name })).caller, {
      creditCode,
      systemName: name,
      subgraphName: name,
      description: name,
      url: `http://${name}.test/`,
    });
  await register('maker', '91320500MA1N7PXK3R');
  await register('scada', '91640100MA77LQ3F21');
  await registry.registerFields(ADMIN, '88.1001.1', [{ name: 'model', feeFen: 2 }]);
  await registry.registerFields(ADMIN, '88.1001.2', [
    { name: 'outputPowerW', feeFen: 5 },
    { name: 'voltageV' },
  ]);
  await registry.registerDevices(ADMIN, '88.1001.1', [
    { localCode: 'INV-1', kind: 'INVERTER' },
    { localCode: 'INV-2', kind: 'INVERTER' },
  ]);
  await registry.claimDevices(ADMIN, '88.1001.2', [
    { identifier: '88.1001.1/INV-1', localCode: 'S.INV1' },
  ]);
}

describe('registry evidence on the ledger', () => {
  it('puts the fields with their fee standards and the association catalog on the ledger', async () => {
    const ledger = await embedded();
    const registry = setup(ledger);
    await populate(registry);
    await registry.flushLedgerEvidence();
    expect(await ledger.getFields(['88.1001.1.F0001', '88.1001.2.F0002'])).toMatchObject([
      {
        fieldCode: '88.1001.1.F0001',
        systemCode: '88.1001.1',
        coordinate: 'Device.model',
        feeFen: 2,
      },
      {
        fieldCode: '88.1001.2.F0002',
        systemCode: '88.1001.2',
        coordinate: 'Device.voltageV',
        feeFen: 0,
      },
    ]);
    const [inv1, inv2] = await ledger.getCatalogEntries(['88.1001.1/INV-1', '88.1001.1/INV-2']);
    expect(inv1).toMatchObject({
      key: true,
      holdings: [
        { systemCode: '88.1001.1', fieldCodes: ['88.1001.1.F0001'] },
        { systemCode: '88.1001.2', fieldCodes: ['88.1001.2.F0001', '88.1001.2.F0002'] },
      ],
    });
    expect(inv2).toMatchObject({ key: false, holdings: [{ systemCode: '88.1001.1' }] });
  });

  it('keeps registering while the ledger is down and publishes everything once it is back', async () => {
    const real = await embedded();
    let down = true;
    const flaky = new Proxy(real, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          down && (property === 'registerFields' || property === 'putCatalogEntries')
            ? Promise.reject(new GridmarkError('LEDGER_UNAVAILABLE', 'peer down'))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    const registry = setup(flaky);
    await populate(registry);
    expect((await registry.getIdentifier('88.1001.1/INV-1'))?.holdings).toHaveLength(2);
    await expect(registry.flushLedgerEvidence(300)).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
    expect(await real.getCatalogEntries(['88.1001.1/INV-1'])).toEqual([null]);
    down = false;
    await registry.flushLedgerEvidence(10_000);
    expect((await real.getCatalogEntries(['88.1001.1/INV-1']))[0]).toMatchObject({ key: true });
  });
});
