import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { GridmarkError } from '../../schema/index.js';
import {
  configSettings,
  loadGatewayConfig,
  parseGatewayConfig,
  renderStarterConfig,
  resolveConfigPaths,
  type ConfigSetting,
  type GatewayConfig,
} from './index.js';

/** The configuration's refusal, caught. */
function refusal(run: () => unknown): GridmarkError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  }
  throw new Error('expected a refusal');
}

/** A document with `value` at `path`. */
function documentWith(path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  const document: Record<string, unknown> = {};
  let at = document;
  for (const part of parts.slice(0, -1)) at = at[part] = {};
  at[parts.at(-1) ?? ''] = value;
  return document;
}

function valueAt(config: GatewayConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], config);
}

/** Values the schema accepts for settings whose text has a shape. */
const SHAPED: Readonly<Record<string, string>> = {
  'registry.authorityPrefix': '86.2001',
  'cors.origins': 'https://app.example.com,http://localhost:5173',
  'tracing.otlpUrl': 'http://collector:4318/v1/traces',
};

/** An environment value of the setting's kind that differs from its default. */
function envSample(setting: ConfigSetting): string {
  if (SHAPED[setting.path]) return SHAPED[setting.path] ?? '';
  switch (setting.kind) {
    case 'integer':
      return String(setting.minimum === setting.defaultValue ? setting.maximum : setting.minimum);
    case 'boolean':
      return String(setting.defaultValue !== true);
    case 'choice':
      return setting.choices?.find((c) => c !== setting.defaultValue) ?? '';
    case 'list':
      return '10.20.0.0/16,192.168.7.1';
    default:
      return 'from-env.pem';
  }
}

describe('the gateway configuration', () => {
  it('gives every setting a default from an empty file', () => {
    const config = parseGatewayConfig({}, { env: {} });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(config.ledger.kind).toBe('embedded');
    expect(config.cors.origins).toEqual([]);
    expect(config.limits.subgraphTimeoutMs).toBe(5_000);
    expect(parseGatewayConfig(null, { env: {} })).toEqual(config);
  });

  it('names the setting and what it expects', () => {
    const error = refusal(() => parseGatewayConfig({ listen: { port: 70_000 } }, { env: {} }));
    expect(error.code).toBe('BAD_CONFIGURATION');
    expect(error.message).toBe('listen.port: expected an integer from 0 to 65535');
    expect(error.details).toEqual({ settings: ['listen.port'] });
  });

  it.each(configSettings().map((s) => [s.path, s] as const))(
    'refuses a malformed %s naming it',
    (path) => {
      const error = refusal(() => parseGatewayConfig(documentWith(path, { x: 1 }), { env: {} }));
      expect(error.code).toBe('BAD_CONFIGURATION');
      expect(error.message).toMatch(new RegExp(`(^|; )${path.replaceAll('.', '\\.')}: `));
      expect(error.details?.['settings']).toContain(path);
    },
  );

  it.each(configSettings().map((s) => [s.env, s] as const))(
    'reads %s over the file',
    (env, setting) => {
      const sample = envSample(setting);
      // Settings that need a partner to be valid get it from the file.
      const file =
        setting.path === 'ledger.kind'
          ? { ledger: { fabric: fabricComplete() } }
          : setting.path.startsWith('tls.')
            ? { tls: { cert: 'file-cert.pem', key: 'file-key.pem' } }
            : {};
      const config = parseGatewayConfig(file, { env: { [env]: sample } });
      const expected =
        setting.kind === 'list'
          ? sample.split(',')
          : setting.kind === 'integer'
            ? Number(sample)
            : setting.kind === 'boolean'
              ? sample === 'true'
              : sample;
      expect(valueAt(config, setting.path)).toEqual(expected);
      expect(valueAt(config, setting.path)).not.toEqual(setting.defaultValue);
    },
  );

  it('lets a variable win over the file, and names the variable in a refusal', () => {
    expect(
      parseGatewayConfig({ listen: { port: 4100 } }, { env: { GRIDMARK_LISTEN_PORT: '4200' } })
        .listen.port,
    ).toBe(4200);
    const error = refusal(() =>
      parseGatewayConfig({}, { env: { GRIDMARK_LISTEN_PORT: 'eighty' } }),
    );
    expect(error.message).toBe(
      'listen.port (from GRIDMARK_LISTEN_PORT): expected an integer from 0 to 65535',
    );
  });

  it('refuses settings it does not know, at any depth', () => {
    const error = refusal(() =>
      parseGatewayConfig({ lsiten: {}, limits: { maxDeepth: 3 } }, { env: {} }),
    );
    expect(error.message).toContain('lsiten: unknown setting');
    expect(error.message).toContain('limits.maxDeepth: unknown setting');
  });

  it('requires the Fabric connection settings with ledger.kind fabric', () => {
    const error = refusal(() => parseGatewayConfig({ ledger: { kind: 'fabric' } }, { env: {} }));
    expect(error.details?.['settings']).toEqual([
      'ledger.fabric.endpoint',
      'ledger.fabric.mspId',
      'ledger.fabric.certificate',
      'ledger.fabric.privateKey',
      'ledger.fabric.channelName',
      'ledger.fabric.chaincodeName',
      'ledger.fabric.caCertificate',
    ]);
    expect(error.message).toContain('ledger.fabric.endpoint: required when ledger.kind is fabric');
    expect(
      parseGatewayConfig({ ledger: { kind: 'fabric', fabric: fabricComplete() } }, { env: {} })
        .ledger.kind,
    ).toBe('fabric');
  });

  it('requires a TLS certificate and key together', () => {
    expect(refusal(() => parseGatewayConfig({ tls: { cert: 'c.pem' } }, { env: {} })).message).toBe(
      'tls.key: required with the other of tls.cert and tls.key',
    );
  });

  it('reads YAML and JSON files, resolving paths against the file, and names a missing or broken file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-config-'));
    writeFileSync(
      join(dir, 'gateway.yaml'),
      'listen:\n  port: 4500\ndata:\n  directory: var/data\n',
    );
    const loaded = loadGatewayConfig(join(dir, 'gateway.yaml'), { env: {} });
    expect(loaded.config.listen.port).toBe(4500);
    const paths = resolveConfigPaths(loaded.config, loaded.baseDirectory);
    expect(paths.registry).toBe(join(dir, 'var/data/registry.db'));
    expect(paths.nodeKey).toBe(join(dir, 'keys/ledger-node-key.pem'));
    expect(paths.grantKeyFile).toBe(join(dir, 'keys/grant-keys.json'));
    writeFileSync(join(dir, 'gateway.json'), '{"listen": {"port": 4600}}');
    expect(loadGatewayConfig(join(dir, 'gateway.json'), { env: {} }).config.listen.port).toBe(4600);
    writeFileSync(join(dir, 'broken.yaml'), 'listen: [\n');
    expect(
      refusal(() => loadGatewayConfig(join(dir, 'broken.yaml'), { env: {} })).message,
    ).toContain('is not valid YAML');
    const missing = refusal(() => loadGatewayConfig(join(dir, 'none.yaml'), { env: {} }));
    expect(missing.code).toBe('BAD_CONFIGURATION');
    expect(missing.message).toContain(`${join(dir, 'none.yaml')} does not exist`);
    const bad = refusal(() =>
      loadGatewayConfig(join(dir, 'gateway.yaml'), { env: { GRIDMARK_LIMITS_MAX_DEVICES: '0' } }),
    );
    expect(bad.message).toBe(
      `${join(dir, 'gateway.yaml')}: limits.maxDevices (from GRIDMARK_LIMITS_MAX_DEVICES): expected an integer from 1 to 500`,
    );
  });

  it('writes a starter file that reads back as the defaults with the values given', () => {
    const text = renderStarterConfig({ 'listen.port': 4321 });
    const config = parseGatewayConfig(parseYaml(text), { env: {} });
    expect(config).toEqual(parseGatewayConfig({ listen: { port: 4321 } }, { env: {} }));
    for (const setting of configSettings()) expect(text).toContain(`(${setting.env})`);
  });
});

function fabricComplete() {
  return {
    endpoint: 'peer0.org1.example.com:7051',
    mspId: 'Org1MSP',
    certificate: 'fabric/cert.pem',
    privateKey: 'fabric/key.pem',
    channelName: 'mychannel',
    chaincodeName: 'gridmark',
    caCertificate: 'fabric/ca.pem',
  };
}
