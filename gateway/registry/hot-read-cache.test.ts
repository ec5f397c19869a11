import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheHotReads } from './hot-read-cache.js';
import type { RegistryStore } from './registry-store.js';
import { openSqliteRegistryStore } from './sqlite/sqlite-registry-store.js';
import { describeRegistryStore } from './testing/registry-store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-hot-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = (): RegistryStore => openSqliteRegistryStore({ path: join(dir, `r${++n}.db`) });
const log = { actor: 'test', action: 'test', details: {} };

// The cache must not change what the store answers.
describeRegistryStore('SQLite behind the hot-read cache', () =>
  Promise.resolve(cacheHotReads(open())),
);

/** The store, counting the calls that reach SQLite. */
function counted(store: RegistryStore): { store: RegistryStore; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

async function withSystemAndKey(store: RegistryStore): Promise<void> {
  await store.createEnterprise({
    creditCode: 'E',
    name: 'E',
    contact: null,
    initialScore: 80,
    key: { keyId: 'op', secretHash: 'h', label: 'E operator' },
    log,
  });
  await store.createSystem({
    creditCode: 'E',
    authorityPrefix: '88.7',
    name: 's',
    subgraphName: 's',
    description: 'd',
    url: 'http://s/',
    sdl: 'type Query { x: Int }',
    codingRule: '{code}',
    key: { keyId: 'sys', secretHash: 'h' },
    log,
  });
  await store.createPrincipal(
    {
      keyId: 'admin-1',
      role: 'PLATFORM_ADMIN',
      systemCode: null,
      appId: null,
      creditCode: null,
      label: 'ops',
      secretHash: 'h1',
    },
    { ...log, subject: 'admin-1' },
  );
  await store.registerOwnDevices(
    '88.7.1',
    [{ identifier: '88.7.1/A', localCode: 'A', kind: 'INVERTER' }],
    { ...log, subject: '88.7.1' },
  );
}

describe('the hot-read cache', () => {
  it('answers repeated principal and directory reads from memory', async () => {
    const inner = counted(open());
    const store = cacheHotReads(inner.store, { ttlMs: 60_000 });
    await withSystemAndKey(store);
    for (let i = 0; i < 5; i++) {
      expect((await store.findPrincipal('admin-1'))?.role).toBe('PLATFORM_ADMIN');
      expect([...(await store.directoryEntries(['88.7.1/A', '88.7.1/unknown'])).keys()]).toEqual([
        '88.7.1/A',
      ]);
    }
    expect(inner.calls['findPrincipal']).toBe(1);
    expect(inner.calls['directoryEntries']).toBe(1);
    await store.close();
  });

  it('sees a revocation or a status change made through it at once', async () => {
    const inner = counted(open());
    const store = cacheHotReads(inner.store, { ttlMs: 60_000 });
    await withSystemAndKey(store);
    expect((await store.findPrincipal('admin-1'))?.revoked).toBe(false);
    expect((await store.directoryEntries(['88.7.1/A'])).get('88.7.1/A')?.heldBy).toEqual(['s']);
    await store.revokePrincipals(
      { label: 'ops', role: 'PLATFORM_ADMIN' },
      { ...log, subject: 'ops' },
    );
    expect((await store.findPrincipal('admin-1'))?.revoked).toBe(true);
    await store.updateSystem('88.7.1', { status: 'SUSPENDED' }, { ...log, subject: '88.7.1' });
    expect((await store.directoryEntries(['88.7.1/A'])).get('88.7.1/A')?.heldBy).toEqual([]);
    await store.close();
  });

  it('reads again once the answers are older than the time to live, so other processes are seen', async () => {
    let clock = 0;
    const path = join(dir, 'shared.db');
    const other = openSqliteRegistryStore({ path });
    await withSystemAndKey(other);
    const store = cacheHotReads(openSqliteRegistryStore({ path }), {
      ttlMs: 1_000,
      now: () => clock,
    });
    expect((await store.findPrincipal('admin-1'))?.revoked).toBe(false);
    // Another process revokes the key.
    await other.revokePrincipals(
      { label: 'ops', role: 'PLATFORM_ADMIN' },
      { ...log, subject: 'ops' },
    );
    clock = 999;
    expect((await store.findPrincipal('admin-1'))?.revoked).toBe(false);
    clock = 1_000;
    expect((await store.findPrincipal('admin-1'))?.revoked).toBe(true);
    await Promise.all([store.close(), other.close()]);
  });

  it('does not keep an answer read while a write was under way', async () => {
    const inner = open();
    await withSystemAndKey(inner);
    let release: () => void = () => undefined;
    const slowRead: RegistryStore = new Proxy(inner, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'findPrincipal' || typeof value !== 'function') return value;
        return async (keyId: string) => {
          const answer = await (value as RegistryStore['findPrincipal']).call(target, keyId);
          await new Promise<void>((resolve) => (release = resolve));
          return answer;
        };
      },
    });
    const store = cacheHotReads(slowRead, { ttlMs: 60_000 });
    const stale = store.findPrincipal('admin-1');
    await new Promise((resolve) => setImmediate(resolve));
    await store.revokePrincipals(
      { label: 'ops', role: 'PLATFORM_ADMIN' },
      { ...log, subject: 'ops' },
    );
    release();
    expect((await stale)?.revoked).toBe(false);
    const fresh = store.findPrincipal('admin-1');
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect((await fresh)?.revoked).toBe(true);
    await store.close();
  });
});
