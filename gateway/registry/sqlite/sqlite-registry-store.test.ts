import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRegistryStore } from '../testing/registry-store-suite.js';
import { REGISTRY_MIGRATIONS } from './registry-migrations.js';
import { openSqliteRegistryStore } from './sqlite-registry-store.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeRegistryStore('SQLite', () => Promise.resolve(openSqliteRegistryStore({ path: join(dir, `r${++n}.db`) })));

describe('SQLite registry store', () => {
  it('applies migrations once and keeps data across reopening', async () => {
    const path = join(dir, 'reopen.db');
    const first = openSqliteRegistryStore({ path });
    await first.createSystem({ enterprise: { creditCode: 'E', name: 'E', initialScore: 80 }, authorityPrefix: '88.7', name: 's', subgraphName: 's', description: 'd', url: 'http://s/', sdl: 'type Query { x: Int }', codingRule: '{code}', key: { keyId: 'k', secretHash: 'h' }, log: { actor: 't', action: 'system.register', details: {} } });
    await first.close();
    const second = openSqliteRegistryStore({ path });
    expect((await second.listSystems()).map((s) => s.code)).toEqual(['88.7.1']);
    await second.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(REGISTRY_MIGRATIONS.map((m) => ({ version: m.version })));
    raw.close();
  });

  it('refuses to edit or delete the registry log, even in SQL', async () => {
    const path = join(dir, 'log.db');
    const store = openSqliteRegistryStore({ path });
    await store.createSystem({ enterprise: { creditCode: 'E', name: 'E', initialScore: 80 }, authorityPrefix: '88.7', name: 's', subgraphName: 's', description: 'd', url: 'http://s/', sdl: 'type Query { x: Int }', codingRule: '{code}', key: { keyId: 'k', secretHash: 'h' }, log: { actor: 't', action: 'system.register', details: {} } });
    await store.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE registry_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM registry_log').run()).toThrow(/append-only/);
    raw.close();
  });

  it('refuses to edit or delete the credit history, even in SQL', async () => {
    const path = join(dir, 'credit.db');
    const store = openSqliteRegistryStore({ path });
    await store.createSystem({ enterprise: { creditCode: 'E', name: 'E', initialScore: 80 }, authorityPrefix: '88.7', name: 's', subgraphName: 's', description: 'd', url: 'http://s/', sdl: 'type Query { x: Int }', codingRule: '{code}', key: { keyId: 'k', secretHash: 'h' }, log: { actor: 't', action: 'system.register', details: {} } });
    await store.recordCreditEvent({ creditCode: 'E', systemCode: '88.7.1', kind: 'TAMPER', change: { by: -10 }, reason: 'r', actor: 'gateway', reference: {}, suspendBelow: 60 });
    await store.close();
    const raw = new Database(path);
    expect(() => raw.prepare('UPDATE credit_events SET delta = 0').run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM credit_events').run()).toThrow(/append-only/);
    raw.close();
  });

  it('counts a rating against the UTC day of its time, not the local one', async () => {
    let clock = new Date('2025-03-01T23:59:00Z');
    const store = openSqliteRegistryStore({ path: join(dir, 'days.db'), now: () => clock });
    await store.createSystem({ enterprise: { creditCode: 'E', name: 'E', initialScore: 80 }, authorityPrefix: '88.7', name: 's', subgraphName: 's', description: 'd', url: 'http://s/', sdl: 'type Query { x: Int }', codingRule: '{code}', key: { keyId: 'k', secretHash: 'h' }, log: { actor: 't', action: 'system.register', details: {} } });
    const rating = { creditCode: 'E', systemCode: '88.7.1', kind: 'FEEDBACK', change: { by: 1 }, reason: 'r', actor: 'APPLICATION:k', reference: { appId: 'APP-0001', rating: 5 }, suspendBelow: 60 } as const;
    await store.recordCreditEvent(rating);
    await expect(store.recordCreditEvent(rating)).rejects.toMatchObject({ reason: 'FEEDBACK_LIMIT' });
    clock = new Date('2025-03-02T00:00:01Z');
    expect((await store.recordCreditEvent(rating)).enterprise.creditScore).toBe(82);
    await store.close();
  });
});
