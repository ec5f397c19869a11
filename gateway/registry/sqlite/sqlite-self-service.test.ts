import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheHotReads } from '../hot-read-cache.js';
import type { RegistryStore } from '../registry-store.js';
import { openSqliteRegistryStore } from './sqlite-registry-store.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-self-service-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = { actor: 'test', action: 'test', details: {} };

async function populated(name: string): Promise<RegistryStore> {
  const store = openSqliteRegistryStore({ path: join(dir, `${name}.db`) });
  for (const [creditCode, subgraphName] of [
    ['E1', 'one'],
    ['E2', 'two'],
  ] as const) {
    await store.createEnterprise({
      creditCode,
      name: creditCode,
      contact: null,
      initialScore: 80,
      key: { keyId: `op-${creditCode}`, secretHash: 'h', label: creditCode },
      log,
    });
    await store.createSystem({
      creditCode,
      authorityPrefix: '88.7',
      name: subgraphName,
      subgraphName,
      description: 'd',
      url: `http://${subgraphName}/`,
      sdl: 'type Query { x: Int }',
      codingRule: '{code}',
      key: { keyId: `sys-${subgraphName}`, secretHash: 'h' },
      log,
    });
  }
  await store.registerOwnDevices(
    '88.7.1',
    [
      { identifier: '88.7.1/B', localCode: 'B', kind: 'METER' },
      { identifier: '88.7.1/A', localCode: 'A', kind: 'INVERTER' },
    ],
    { ...log, subject: '88.7.1' },
  );
  await store.claimDevices('88.7.2', [{ identifier: '88.7.1/A', localCode: 'two-A' }], {
    ...log,
    subject: '88.7.2',
  });
  return store;
}

describe("a system's own view in the SQLite store", () => {
  it('pages its holdings in identifier order, claimed ones under its own local code', async () => {
    const store = await populated('holdings');
    expect((await store.systemHoldings('88.7.1', '', 1)).map((h) => h.identifier)).toEqual([
      '88.7.1/A',
    ]);
    expect(await store.systemHoldings('88.7.1', '88.7.1/A', 10)).toEqual([
      expect.objectContaining({ identifier: '88.7.1/B', localCode: 'B', kind: 'METER' }),
    ]);
    expect(await store.systemHoldings('88.7.2', '', 10)).toEqual([
      expect.objectContaining({ identifier: '88.7.1/A', localCode: 'two-A', issuerCode: '88.7.1' }),
    ]);
    expect(await store.systemHoldings('88.7.9', '', 10)).toEqual([]);
    await store.close();
  });

  it("counts only the system's own evidence waiting for the ledger", async () => {
    const store = await populated('pending');
    expect(await store.systemPendingEvidence('88.7.1')).toMatchObject({
      fieldUpdates: 0,
      catalogEntries: 2,
      oldestSince: expect.stringMatching(/^\d{4}-/) as unknown,
    });
    expect((await store.systemPendingEvidence('88.7.2')).catalogEntries).toBe(1);
    expect(await store.systemPendingEvidence('88.7.9')).toEqual({
      fieldUpdates: 0,
      catalogEntries: 0,
      oldestSince: null,
    });
    await store.close();
  });

  it('leaves the hot-read cache filled: they are reads', async () => {
    const inner = await populated('cache');
    let principalReads = 0;
    const counting = new Proxy(inner, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'findPrincipal' || typeof value !== 'function') return value;
        return (keyId: string) => {
          principalReads++;
          return (value as RegistryStore['findPrincipal']).call(target, keyId);
        };
      },
    });
    const store = cacheHotReads(counting, { ttlMs: 60_000 });
    await store.findPrincipal('sys-one');
    await store.systemHoldings('88.7.1', '', 10);
    await store.systemPendingEvidence('88.7.1');
    await store.findPrincipal('sys-one');
    expect(principalReads).toBe(1);
    await store.close();
  });
});
