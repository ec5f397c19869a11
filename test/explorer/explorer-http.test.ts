import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXPLORER_PATH,
  SANDBOX_SCRIPT_URL,
  createGateway,
  createMemoryDirectory,
  type ExplorerMode,
  type Gateway,
} from '../../gateway/index.js';
import { silentLogger } from '../../schema/index.js';
import { defineSubgraph, serveSubgraph, type RunningSubgraph } from '../../subgraphs/index.js';

/**
 * What the gateway serves a browser under each explorer setting, over real HTTP: the pages, their
 * security headers, the bundled files and their caching, and what it refuses.
 */
const DEVICE = '88.1001.1/INV-1';
let system: RunningSubgraph;
const gateways: Gateway[] = [];
const urls = new Map<string, string>();

/** Starts a gateway over the one business system with these settings; resolves with its URL. */
async function start(
  mode: 'development' | 'production',
  explorer: ExplorerMode | undefined,
): Promise<string> {
  const gateway = createGateway({
    systems: [{ name: 'maker', url: system.url }],
    directory: createMemoryDirectory([{ id: DEVICE, kind: 'INVERTER', heldBy: ['maker'] }]),
    mode,
    logger: silentLogger,
    ...(explorer ? { explorer } : {}),
  });
  gateways.push(gateway);
  await gateway.start();
  return gateway.listen(0);
}

beforeAll(async () => {
  system = await serveSubgraph(
    defineSubgraph({
      name: 'maker',
      title: 'maker',
      fields: [{ name: 'model', type: 'String', description: 'Model.' }],
      loadDevices: (ids) =>
        Promise.resolve(
          new Map(ids.filter((id) => id === DEVICE).map((id) => [id, { model: 'SV-150K' }])),
        ),
    }),
    { port: 0 },
    { logger: silentLogger },
  );
  const settings = [
    ['development', undefined],
    ['development', 'graphiql'],
    ['development', 'sandbox'],
    ['development', 'off'],
    ['production', undefined],
    ['production', 'graphiql'],
  ] as const;
  const started = await Promise.all(settings.map(([mode, explorer]) => start(mode, explorer)));
  settings.forEach(([mode, explorer], i) =>
    urls.set(`${mode}:${explorer ?? 'default'}`, started[i] ?? ''),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await system?.stop();
});

const url = (setting: string, path = '/'): string => new URL(path, urls.get(setting)).href;
const browse = (target: string, headers: Record<string, string> = {}) =>
  fetch(target, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ...headers } });

/** Sends a request with its path exactly as written (fetch would resolve `..`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page's asset paths (`href`/`src`) and the worker files its settings name. */
function assetPaths(html: string): string[] {
  const linked = [...html.matchAll(/(?:href|src)="(explorer\/assets\/[^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  const workers = [...html.matchAll(/"(explorer\/assets\/[^"]+\.worker\.[0-9a-f]+\.js)"/g)].map(
    (m) => m[1] ?? '',
  );
  return [...linked, ...workers];
}

describe('the explorer setting', () => {
  it('auto (development default): a landing page that tries Sandbox, with a link to /explorer', async () => {
    const response = await browse(url('development:default'));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<a id="gridmark-explorer-link" href="explorer">');
    expect(html).toContain(JSON.stringify(SANDBOX_SCRIPT_URL));
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' https://embeddable-sandbox.cdn.apollographql.com;");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // An application's POST is GraphQL as ever.
    const query = await fetch(url('development:default'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ device(id: "${DEVICE}") { model } }` }),
    });
    expect(await query.json()).toEqual({ data: { device: { model: 'SV-150K' } } });
  });

  it('graphiql: the bundled GraphiQL at the gateway URL and at /explorer, with a policy of self only', async () => {
    for (const target of [
      url('development:graphiql'),
      url('development:graphiql', '/graphql'),
      url('development:graphiql', EXPLORER_PATH),
    ]) {
      const response = await browse(target);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain('id="gridmark-key"');
      expect(html).not.toMatch(/https?:\/\//);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("connect-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('sandbox: Apollo Sandbox at the gateway URL, the bundled GraphiQL at /explorer', async () => {
    const sandbox = await (await browse(url('development:sandbox'))).text();
    expect(sandbox).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(sandbox).not.toContain('gridmark-explorer');
    const bundled = await browse(url('development:sandbox', EXPLORER_PATH));
    expect(await bundled.text()).toContain('id="gridmark-key"');
  });

  it('off, and production unless configured: no explorer and no landing page', async () => {
    for (const setting of ['development:off', 'production:default']) {
      const explorer = await browse(url(setting, EXPLORER_PATH));
      expect(explorer.status).toBe(404);
      const root = await browse(url(setting));
      expect(root.headers.get('content-type')).not.toContain('text/html');
      expect(await root.text()).not.toMatch(/gridmark-explorer|embeddable-sandbox/);
    }
    const configured = await browse(url('production:graphiql'));
    expect(await configured.text()).toContain('id="gridmark-key"');
  });
});

describe('the bundled files', () => {
  it('serves every file the page names from the gateway, typed, unsniffed and cached for good', async () => {
    const html = await (await browse(url('development:default', EXPLORER_PATH))).text();
    const paths = assetPaths(html);
    expect(paths.map((p) => p.replace(/\.[0-9a-f]{12}\./, '.'))).toEqual([
      'explorer/assets/favicon.ico',
      'explorer/assets/graphiql.css',
      'explorer/assets/explorer.css',
      'explorer/assets/explorer.js',
      'explorer/assets/graphiql.js',
      'explorer/assets/editor.worker.js',
      'explorer/assets/json.worker.js',
      'explorer/assets/graphql.worker.js',
    ]);
    for (const path of paths) {
      const response = await fetch(url('development:default', `/${path}`));
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        path.endsWith('.js')
          ? 'text/javascript; charset=utf-8'
          : path.endsWith('.css')
            ? 'text/css; charset=utf-8'
            : 'image/x-icon',
      );
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // No file reaches for a CDN.
      expect(body).not.toMatch(/unpkg\.com|cdn\.jsdelivr|cdnjs\.|fonts\.googleapis/);
    }
  });

  it('answers a known version with 304, and gzips for a client that asks', async () => {
    const html = await (await browse(url('development:default', EXPLORER_PATH))).text();
    const script = assetPaths(html).find((p) => /\/graphiql\.[0-9a-f]+\.js$/.test(p)) ?? '';
    const target = url('development:default', `/${script}`);
    const first = await fetch(target);
    const etag = first.headers.get('etag') ?? '';
    const plain = Buffer.from(await first.arrayBuffer());
    expect(etag).toMatch(/^"[0-9a-f]{12}"$/);
    expect((await fetch(target, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const zipped = await new Promise<Buffer>((resolve, reject) => {
      const { hostname, port, pathname } = new URL(target);
      request({ hostname, port, path: pathname, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('gzip');
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
        .on('error', reject)
        .end();
    });
    expect(zipped.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(zipped).equals(plain)).toBe(true);
  });

  it('refuses paths outside its files, other methods, and reflects nothing from the URL', async () => {
    const base = urls.get('development:default') ?? '';
    for (const path of [
      '/explorer/assets/../../package.json',
      '/explorer/assets/..%2f..%2fpackage.json',
      '/explorer/assets/%2e%2e/%2e%2e/package.json',
      '/explorer/assets/graphiql.js',
      '/explorer/assets/',
      '/explorer/',
    ]) {
      const { status, body } = await rawGet(base, path);
      expect(status, path).toBe(404);
      expect(body).not.toContain('"dependencies"');
    }
    const posted = await fetch(url('development:default', EXPLORER_PATH), {
      method: 'POST',
      body: '{}',
    });
    expect(posted.status).toBe(404);
    const reflected = await (
      await browse(
        url(
          'development:default',
          `${EXPLORER_PATH}?key=%3Cscript%3Ealert(1)%3C/script%3E&gridmark-key=stolen`,
        ),
      )
    ).text();
    expect(reflected).not.toMatch(/alert\(1\)|stolen/);
    const head = await fetch(url('development:default', EXPLORER_PATH), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-frame-options')).toBe('DENY');
    expect(await head.text()).toBe('');
  });
});
