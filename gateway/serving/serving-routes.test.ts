import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_JWKS_PATH } from '../../schema/index.js';
import {
  createGrantKeyFile,
  grantKeySet,
  readGrantKeyFile,
  rotateGrantKeyFile,
} from '../config/index.js';
import type { HttpRoute } from '../http/index.js';
import { createCorsRoute } from './cors-route.js';
import { createKeySetRoute } from './key-set-route.js';

let server: Server | undefined;

/** Serves `route` over HTTP; what it does not answer gets 404. */
async function serve(route: HttpRoute): Promise<string> {
  server = createServer((request, response) => {
    void Promise.resolve(route(request, response, new URL(request.url ?? '/', 'http://x'))).then(
      (answered) => {
        if (!answered) response.writeHead(404).end();
      },
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('the key set route', () => {
  it('stops publishing a rotated key when its overlap ends, without a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gridmark-jwks-')), 'grant-keys.json');
    const start = new Date('2026-01-01T00:00:00Z');
    const first = await createGrantKeyFile(path, start);
    const { added } = await rotateGrantKeyFile(path, 60_000, start);
    const ring = readGrantKeyFile(path, start);
    let now = new Date(start.getTime() + 30_000);
    const base = await serve(createKeySetRoute(ring, (await grantKeySet(ring)).keys, () => now));
    const kids = async () =>
      (
        (await (await fetch(`${base}${GATEWAY_JWKS_PATH}`)).json()) as { keys: { kid: string }[] }
      ).keys.map((k) => k.kid);
    expect(await kids()).toEqual([added.kid, first.kid]);
    now = new Date(start.getTime() + 61_000);
    expect(await kids()).toEqual([added.kid]);
    const head = await fetch(`${base}${GATEWAY_JWKS_PATH}`, { method: 'POST' });
    expect(head.status).toBe(405);
  });
});

describe('the CORS route', () => {
  it('answers preflights only on its paths, and lets other requests through with the header', async () => {
    const base = await serve(
      createCorsRoute({ origins: ['https://a.example'], paths: ['/graphql'] }),
    );
    const preflight = { origin: 'https://a.example', 'access-control-request-method': 'POST' };
    const on = await fetch(`${base}/graphql`, { method: 'OPTIONS', headers: preflight });
    expect(on.status).toBe(204);
    expect(on.headers.get('access-control-allow-origin')).toBe('https://a.example');
    const off = await fetch(`${base}/elsewhere`, { method: 'OPTIONS', headers: preflight });
    expect(off.status).toBe(404);
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    // Not a preflight: the route sets its header and leaves the answer to what follows it.
    const post = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://a.example' },
    });
    expect(post.status).toBe(404);
    expect(post.headers.get('access-control-allow-origin')).toBe('https://a.example');
  });

  it('allows any origin with *, with no credentials', async () => {
    const base = await serve(createCorsRoute({ origins: ['*'], paths: ['/'] }));
    const answer = await fetch(`${base}/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://b.example', 'access-control-request-method': 'POST' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
