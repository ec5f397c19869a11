import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initializeGateway,
  loadGatewayConfig,
  serveConfiguredGateway,
  type ConfiguredGateway,
  type InitializedGateway,
} from '../../gateway/index.js';
import { GridmarkError, silentLogger } from '../../schema/index.js';

/*
 * Attacks on a gateway run from its configuration: a grant key file others can read, settings
 * smuggled in under names the schema does not know, and browsers calling from origins the
 * operator did not list.
 */

const ALLOWED = 'https://app.example.com';
const dir = mkdtempSync(join(tmpdir(), 'gridmark-serve-security-'));
let made: InitializedGateway;
let served: ConfiguredGateway | undefined;

async function refusal(run: () => Promise<unknown>): Promise<GridmarkError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  made = await initializeGateway({ directory: dir, values: { 'listen.port': 0 }, env: {} });
  served = await serveConfiguredGateway(
    loadGatewayConfig(made.configFile, { env: { GRIDMARK_CORS_ORIGINS: ALLOWED } }),
    { logger: silentLogger },
  );
}, 60_000);

afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('the grant key file', () => {
  it('is refused, not tightened, when its group or others may read or write it', async () => {
    const keyFile = join(made.keysDirectory, 'grant-keys.json');
    for (const mode of [0o640, 0o604, 0o660, 0o606]) {
      chmodSync(keyFile, mode);
      const error = await refusal(() =>
        serveConfiguredGateway(loadGatewayConfig(made.configFile, { env: {} }), {
          logger: silentLogger,
        }),
      );
      expect(error.code).toBe('KEY_FILE_EXPOSED');
      expect(error.details).toEqual({ file: keyFile });
      expect(statSync(keyFile).mode & 0o777).toBe(mode);
    }
    chmodSync(keyFile, 0o600);
  }, 30_000);
});

describe('the configuration file', () => {
  it.each([
    [
      'a setting under a section',
      'cors:\n  origins: []\n  allowCredentials: true\n',
      'cors.allowCredentials',
    ],
    ['a section of its own', 'admin:\n  key: gmk_x\n', 'admin'],
    ['__proto__', '__proto__:\n  mode: development\n', '__proto__'],
    ['constructor', 'constructor:\n  mode: development\n', 'constructor'],
  ])('refuses an unknown key (%s), naming it', async (_what, text, setting) => {
    const file = join(dir, `unknown-${setting}.yaml`);
    writeFileSync(file, text);
    const error = await refusal(() => Promise.resolve(loadGatewayConfig(file, { env: {} })));
    expect(error.code).toBe('BAD_CONFIGURATION');
    expect(error.message).toContain(`${setting}: unknown setting`);
    expect(error.details?.['settings']).toEqual([setting]);
    expect(({} as Record<string, unknown>)['mode']).toBeUndefined();
  });

  it('refuses an origin with a path, a wildcard inside a name, or another scheme', async () => {
    for (const origin of [
      'https://app.example.com/',
      'https://*.example.com',
      'file://x',
      'null',
    ]) {
      const error = await refusal(() =>
        Promise.resolve(
          loadGatewayConfig(made.configFile, { env: { GRIDMARK_CORS_ORIGINS: origin } }),
        ),
      );
      expect(error.message).toContain('cors.origins.0 (from GRIDMARK_CORS_ORIGINS)');
    }
  });
});

describe('CORS', () => {
  const lookalikes = [
    'https://evil.example',
    'https://app.example.com.evil.example',
    'https://evilapp.example.com',
    'http://app.example.com',
    'https://app.example.com:8443',
    'null',
  ];

  it.each(lookalikes)('gives %s no allow header, on a preflight or a request', async (origin) => {
    for (const path of ['/', '/graphql', '/registry']) {
      const url = new URL(path, served?.url).toString();
      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect([...preflight.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual(
        [],
      );
      const post = await fetch(url, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('allows the listed origin without credentials', async () => {
    const preflight = await fetch(served?.url ?? '', {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
