import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { loadSystemConfig, parseSystemConfig } from './load-system-config.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-system-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = {
  system: { name: 'weather', title: 'Weather stations' },
  fields: [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.', unit: 'W/m²' }],
  source: { kind: 'sqlite', path: 'weather.db' },
  devices: {
    load: 'SELECT identifier, irradiance AS irradianceWm2 FROM stations JOIN json_each(?) ON value = identifier',
    list: 'SELECT identifier FROM stations',
  },
  gateway: { publicKeyFile: 'gateway.pem' },
};

/** The error a config is refused with. */
function refusal(value: unknown, env: Record<string, string> = {}): GridmarkError {
  try {
    parseSystemConfig(value, { env, baseDirectory: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  }
  throw new Error('the config was accepted');
}

describe('system config', () => {
  it('fills every default and resolves paths beside the config file', () => {
    const file = join(dir, 'weather.system.yaml');
    writeFileSync(file, JSON.stringify(BASE));
    const config = loadSystemConfig(file, { env: {} });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 4001 });
    expect(config.fields[0]?.changePolicy).toBe('refuse');
    expect(config.devices.identifier).toEqual({ column: 'identifier' });
    expect(config.anchoring).toEqual({ intervalSeconds: 300, batchSize: 500 });
    expect(config.gateway).toEqual({
      access: 'grants',
      publicKeyFile: join(dir, 'gateway.pem'),
      jwksRefreshSeconds: 300,
      grantSkewSeconds: 30,
    });
    expect(config.source).toEqual({ kind: 'sqlite', path: join(dir, 'weather.db') });
    expect(config.journal.path).toBe(join(dir, 'weather.anchors.db'));
  });

  it('reads YAML with a PostgreSQL source and its defaults', () => {
    const file = join(dir, 'pg.system.yaml');
    writeFileSync(
      file,
      [
        'system: { name: weather, title: Weather }',
        'fields:',
        '  - { name: irradianceWm2, type: Float, description: Irradiance., changePolicy: release-unverified }',
        'source: { kind: postgres, url: "postgres://reader@db.example:5432/weather" }',
        'devices:',
        '  load: SELECT local_code, irradiance FROM stations WHERE local_code = ANY($1)',
        '  list: SELECT local_code FROM stations',
        '  identifier: { localColumn: local_code, template: "88.1001.9/{local}" }',
        'gateway: { jwksUrl: "https://aggregator.example/.well-known/jwks.json" }',
      ].join('\n'),
    );
    const config = loadSystemConfig(file, { env: {} });
    expect(config.source).toEqual({
      kind: 'postgres',
      url: 'postgres://reader@db.example:5432/weather',
      passwordEnv: 'GRIDMARK_SYSTEM_POSTGRES_PASSWORD',
      statementTimeoutMs: 5000,
      poolSize: 4,
      connectTimeoutMs: 5000,
    });
    expect(config.devices.identifier).toEqual({
      localColumn: 'local_code',
      template: '88.1001.9/{local}',
    });
    expect(config.fields[0]?.changePolicy).toBe('release-unverified');
  });

  it('lets the environment override a setting, and names the variable when it is bad', () => {
    const config = parseSystemConfig(BASE, {
      env: { GRIDMARK_SYSTEM_PORT: '4711', GRIDMARK_SYSTEM_SQLITE_PATH: '/srv/weather.db' },
    });
    expect(config.listen.port).toBe(4711);
    expect(
      parseSystemConfig(BASE, { env: { GRIDMARK_GATEWAY_GRANT_SKEW_SECONDS: '5' } }).gateway
        .grantSkewSeconds,
    ).toBe(5);
    expect(config.source).toMatchObject({ path: '/srv/weather.db' });
    const error = refusal(BASE, { GRIDMARK_SYSTEM_PORT: 'eighty' });
    expect(error.code).toBe('BAD_CONFIGURATION');
    expect(error.message).toMatch(/^listen\.port \(from GRIDMARK_SYSTEM_PORT\):/);
    expect(error.details).toEqual({ setting: 'listen.port' });
  });

  it.each([
    ['listen.port', { ...BASE, listen: { port: 70000 } }],
    ['source.kind', { ...BASE, source: { kind: 'mysql', path: 'x' } }],
    ['devices.load', { ...BASE, devices: { list: 'SELECT 1' } }],
    ['anchoring.registryUrl', { ...BASE, anchoring: { registryUrl: 'ftp://aggregator' } }],
    ['anchoring.intervalSeconds', { ...BASE, anchoring: { intervalSeconds: 0 } }],
    ['gateway.grantSkewSeconds', { ...BASE, gateway: { grantSkewSeconds: 3_600 } }],
    [
      'gateway.jwksRefreshSeconds',
      { ...BASE, gateway: { jwksUrl: 'https://a.example/k', jwksRefreshSeconds: 1 } },
    ],
    [
      'devices.identifier.template',
      { ...BASE, devices: { ...BASE.devices, identifier: { localColumn: 'c', template: 'x' } } },
    ],
    [
      'devices.identifier.column',
      {
        ...BASE,
        devices: {
          ...BASE.devices,
          identifier: { column: 'a', localColumn: 'b', template: 'p/{local}' },
        },
      },
    ],
    ['(top level)', { ...BASE, lisen: { port: 1 } }],
  ])('names %s when it is bad', (setting, value) => {
    const error = refusal(value);
    expect(error.code).toBe('BAD_CONFIGURATION');
    expect(error.message.startsWith(`${setting}:`), error.message).toBe(true);
  });

  it.each([
    ['fields[1].name', [BASE.fields[0], { name: 'Bad-Name', type: 'Int', description: 'x' }]],
    ['fields[1].name', [BASE.fields[0], { ...BASE.fields[0] }]],
    ['fields[0].name', [{ name: 'id', type: 'ID', description: 'x' }]],
    ['fields[0].type', [{ name: 'ok', type: 'Float Int', description: 'x' }]],
    ['fields[0].description', [{ name: 'ok', type: 'Float', description: '' }]],
    [
      'fields[0].changePolicy',
      [{ name: 'ok', type: 'Float', description: 'x', changePolicy: 'sometimes' }],
    ],
  ])('refuses a bad field as BAD_DECLARATION naming %s', (setting, fields) => {
    const error = refusal({ ...BASE, fields });
    expect(error.code).toBe('BAD_DECLARATION');
    expect(error.message.startsWith(`${setting}:`), error.message).toBe(true);
  });

  it('refuses secrets written in the file, without repeating them', () => {
    const key = refusal({ ...BASE, anchoring: { apiKey: 'gmk_secret_value' } });
    expect(key.message).toMatch(/^anchoring\.apiKey: a secret is never written/);
    const source = { kind: 'postgres', url: 'postgres://reader:hunter2@db.example/weather' };
    const url = refusal({ ...BASE, source });
    expect(url.message).toMatch(/^source\.url:/);
    expect(url.message).not.toContain('hunter2');
    const password = refusal({ ...BASE, source: { ...source, password: 'hunter2' } });
    expect(password.message).not.toContain('hunter2');
  });

  it('needs to know whose grants to accept, and all of anchoring or none', () => {
    const keyless: Record<string, unknown> = { ...BASE };
    delete keyless['gateway'];
    expect(refusal(keyless).message).toMatch(/^gateway: /);
    expect(
      parseSystemConfig(keyless, { env: { GRIDMARK_GATEWAY_PUBLIC_KEY: 'pem' } }).gateway.access,
    ).toBe('grants');
    expect(
      parseSystemConfig({ ...keyless, gateway: { access: 'open' } }, { env: {} }).gateway.access,
    ).toBe('open');
    const anchoring = { registryUrl: 'https://aggregator.example/registry' };
    expect(refusal({ ...BASE, anchoring }).message).toMatch(/^anchoring\.systemCode:/);
    expect(
      refusal({ ...BASE, anchoring: { ...anchoring, systemCode: '88.1001.9' } }).message,
    ).toMatch(/^anchoring\.apiKeyFile:/);
  });

  it('says which file cannot be read or parsed', () => {
    expect(() => loadSystemConfig(join(dir, 'missing.yaml'))).toThrow(
      /cannot read the config file/,
    );
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'system: [unclosed');
    expect(() => loadSystemConfig(file)).toThrow(/is not YAML or JSON/);
  });
});
