import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRegistryStore } from '../testing/registry-store-suite.js';
import type { RegistryStore } from '../registry-store.js';
import { applySqliteMigrations } from '../../storage/index.js';
import { REGISTRY_MIGRATIONS } from './registry-migrations.js';
import { openSqliteRegistryStore } from './sqlite-registry-store.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** Opens the account of enterprise E, which the cases register their system under. */
const onboard = (store: RegistryStore) =>
  store.createEnterprise({
    creditCode: 'E',
    name: 'E',
    contact: null,
    initialScore: 80,
    key: { keyId: 'op', secretHash: 'h', label: 'E operator' },
    log: { actor: 't', action: 'enterprise.create', details: {} },
  });

describeRegistryStore('SQLite', () =>
  Promise.resolve(openSqliteRegistryStore({ path: join(dir, `r${++n}.db`) })),
);

describe('SQLite registry store', () => {
  it('applies migrations once and keeps data across reopening', async () => {
    const path = join(dir, 'reopen.db');
    const first = openSqliteRegistryStore({ path });
    await onboard(first);
    await first.createSystem({
      creditCode: 'E',
      authorityPrefix: '88.7',
      name: 's',
      subgraphName: 's',
      description: 'd',
      url: 'http://s/',
      sdl: 'type Query { x: Int }',
      codingRule: '{code}',
      key: { keyId: 'k', secretHash: 'h' },
      log: { actor: 't', action: 'system.register', details: {} },
    });
    await first.close();
    const second = openSqliteRegistryStore({ path });
    expect((await second.listSystems()).map((s) => s.code)).toEqual(['88.7.1']);
    await second.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      REGISTRY_MIGRATIONS.map((m) => ({ version: m.version })),
    );
    raw.close();
  });

  it('keeps the enterprises and keys of a registry from before accounts: approved, their system keys still valid', async () => {
    const path = join(dir, 'before-accounts.db');
    const old = new Database(path);
    applySqliteMigrations(
      old,
      REGISTRY_MIGRATIONS.filter((m) => m.version <= 5),
    );
    old
      .prepare(
        `INSERT INTO enterprises (credit_code, name, credit_score, created_at) VALUES ('E', 'Early Co.', 70, '2025-01-01T00:00:00Z')`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO systems (code, seq, enterprise_credit_code, name, subgraph_name, description, url, sdl, coding_rule, status, created_at, updated_at) VALUES ('88.7.1', 1, 'E', 's', 's', 'd', 'http://s/', 'type Query { x: Int }', '{code}', 'ACTIVE', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO principals (key_id, role, system_code, app_id, label, secret_hash, created_at) VALUES ('k', 'ENTERPRISE_USER', '88.7.1', NULL, 's operator', 'h', '2025-01-01T00:00:00Z')`,
      )
      .run();
    old.close();
    const store = openSqliteRegistryStore({ path });
    expect(await store.getEnterprise('E')).toMatchObject({
      name: 'Early Co.',
      creditScore: 70,
      status: 'APPROVED',
      contact: null,
    });
    expect(await store.findPrincipal('k')).toMatchObject({
      role: 'ENTERPRISE_USER',
      systemCode: '88.7.1',
      creditCode: null,
      revoked: false,
    });
    await store.close();
  });

  it('refuses a system or an operator key of an enterprise that is not approved, even in SQL', async () => {
    const path = join(dir, 'approved-only.db');
    const store = openSqliteRegistryStore({ path });
    await store.applyEnterprise({
      creditCode: 'P',
      name: 'Pending',
      contact: null,
      initialScore: 80,
      log: { actor: 'anonymous', action: 'enterprise.apply', details: {} },
    });
    await store.close();
    const raw = new Database(path);
    expect(() =>
      raw
        .prepare(
          `INSERT INTO systems (code, seq, enterprise_credit_code, name, subgraph_name, description, url, sdl, coding_rule, status, created_at, updated_at) VALUES ('88.7.1', 1, 'P', 's', 's', 'd', 'http://s/', 'x', '{code}', 'ACTIVE', 'now', 'now')`,
        )
        .run(),
    ).toThrow(/must be approved/);
    expect(() =>
      raw
        .prepare(
          `INSERT INTO principals (key_id, role, credit_code, label, secret_hash, created_at) VALUES ('k', 'ENTERPRISE_OPERATOR', 'P', 'l', 'h', 'now')`,
        )
        .run(),
    ).toThrow(/approved enterprise/);
    raw.close();
  });

  it('refuses to edit or delete the registry log, even in SQL', async () => {
    const path = join(dir, 'log.db');
    const store = openSqliteRegistryStore({ path });
    await onboard(store);
    await store.createSystem({
      creditCode: 'E',
      authorityPrefix: '88.7',
      name: 's',
      subgraphName: 's',
      description: 'd',
      url: 'http://s/',
      sdl: 'type Query { x: Int }',
      codingRule: '{code}',
      key: { keyId: 'k', secretHash: 'h' },
      log: { actor: 't', action: 'system.register', details: {} },
    });
    await store.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE registry_log SET actor = 'someone else'").run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare('DELETE FROM registry_log').run()).toThrow(/append-only/);
    raw.close();
  });

  it('refuses to edit or delete the credit history, even in SQL', async () => {
    const path = join(dir, 'credit.db');
    const store = openSqliteRegistryStore({ path });
    await onboard(store);
    await store.createSystem({
      creditCode: 'E',
      authorityPrefix: '88.7',
      name: 's',
      subgraphName: 's',
      description: 'd',
      url: 'http://s/',
      sdl: 'type Query { x: Int }',
      codingRule: '{code}',
      key: { keyId: 'k', secretHash: 'h' },
      log: { actor: 't', action: 'system.register', details: {} },
    });
    await store.recordCreditEvent({
      creditCode: 'E',
      systemCode: '88.7.1',
      kind: 'TAMPER',
      change: { by: -10 },
      reason: 'r',
      actor: 'gateway',
      reference: {},
      suspendBelow: 60,
    });
    await store.close();
    const raw = new Database(path);
    expect(() => raw.prepare('UPDATE credit_events SET delta = 0').run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM credit_events').run()).toThrow(/append-only/);
    raw.close();
  });

  it('counts a rating against the UTC day of its time, not the local one', async () => {
    let clock = new Date('2025-03-01T23:59:00Z');
    const store = openSqliteRegistryStore({ path: join(dir, 'days.db'), now: () => clock });
    await onboard(store);
    await store.createSystem({
      creditCode: 'E',
      authorityPrefix: '88.7',
      name: 's',
      subgraphName: 's',
      description: 'd',
      url: 'http://s/',
      sdl: 'type Query { x: Int }',
      codingRule: '{code}',
      key: { keyId: 'k', secretHash: 'h' },
      log: { actor: 't', action: 'system.register', details: {} },
    });
    const rating = {
      creditCode: 'E',
      systemCode: '88.7.1',
      kind: 'FEEDBACK',
      change: { by: 1 },
      reason: 'r',
      actor: 'APPLICATION:k',
      reference: { appId: 'APP-0001', rating: 5 },
      suspendBelow: 60,
    } as const;
    await store.recordCreditEvent(rating);
    await expect(store.recordCreditEvent(rating)).rejects.toMatchObject({
      reason: 'FEEDBACK_LIMIT',
    });
    clock = new Date('2025-03-02T00:00:01Z');
    expect((await store.recordCreditEvent(rating)).enterprise.creditScore).toBe(82);
    await store.close();
  });
});
