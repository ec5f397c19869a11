import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInitOutput, runGridmark, startServe, type ServeProcess } from './serve-process.js';

/*
 * `gridmark serve` over HTTPS with a self-signed certificate made by openssl, and its CORS
 * answers for the configured origin, both set through the environment over the starter file.
 */

const ALLOWED = 'https://app.example.com';
const dir = mkdtempSync(join(tmpdir(), 'gridmark-https-'));
let served: ServeProcess | undefined;
let ca: Buffer;

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One HTTPS request that trusts only the test's certificate. */
function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, ca },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function preflight(path: string, origin: string): Promise<Answer> {
  return httpsRequest(new URL(path, served?.url).toString(), {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers':
        'authorization, content-type, x-gridmark-function, x-gridmark-role',
    },
  });
}

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'tls-key.pem'),
      '-out',
      join(dir, 'tls-cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(join(dir, 'tls-cert.pem'));
  const made = await runGridmark(['init', '--dir', dir, '--port', '0']);
  expect(made.code).toBe(0);
  served = await startServe(readInitOutput(made.stdout).configFile, {
    GRIDMARK_TLS_CERT: join(dir, 'tls-cert.pem'),
    GRIDMARK_TLS_KEY: join(dir, 'tls-key.pem'),
    GRIDMARK_CORS_ORIGINS: `${ALLOWED}, http://localhost:5173`,
  });
}, 180_000);

afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('gridmark serve with tls.cert and tls.key', () => {
  it('serves HTTPS only, with the certificate configured', async () => {
    expect(served?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const jwks = await httpsRequest(served?.jwksUrl ?? '');
    expect(jwks.status).toBe(200);
    expect((JSON.parse(jwks.body) as { keys: { kid: string }[] }).keys[0]?.kid).toBe(served?.kid);
    const graphql = await httpsRequest(served?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(200);
    expect(JSON.parse(graphql.body)).toEqual({ data: { __typename: 'Query' } });
    // Plain HTTP on the same port gets no answer from the gateway.
    await expect(fetch((served?.url ?? '').replace('https:', 'http:'))).rejects.toThrow();
  });
});

describe('CORS on the GraphQL endpoint and the registry API', () => {
  it.each(['/', '/graphql', '/registry'])(
    'answers a preflight on %s for a configured origin',
    async (path) => {
      const answer = await preflight(path, ALLOWED);
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(answer.headers['vary']).toContain('Origin');
      expect(answer.headers['access-control-allow-methods']).toContain('POST');
      const allowedHeaders = String(answer.headers['access-control-allow-headers']).split(', ');
      expect(allowedHeaders).toEqual(
        expect.arrayContaining([
          'authorization',
          'content-type',
          'x-gridmark-function',
          'x-gridmark-role',
          'x-gridmark-quote',
        ]),
      );
    },
  );

  it('gives a request from a configured origin its allow header, and one from another none', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const headers = { 'content-type': 'application/json' };
    const allowed = await httpsRequest(served?.url ?? '', {
      method: 'POST',
      headers: { ...headers, origin: ALLOWED },
      body,
    });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    const other = await httpsRequest(served?.url ?? '', {
      method: 'POST',
      headers: { ...headers, origin: 'https://evil.example' },
      body,
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const otherPreflight = await preflight('/registry', 'https://evil.example');
    expect(otherPreflight.status).toBe(204);
    expect(
      Object.keys(otherPreflight.headers).filter((h) => h.startsWith('access-control-')),
    ).toEqual([]);
  });
});
