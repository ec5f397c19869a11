import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubgraphFetcher } from './subgraph-fetcher.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real HTTP server on a free port; counts the connections it accepted. */
async function serve(handler: Handler): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.closeIdleConnections();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    connections: () => connections,
  };
}

describe('the subgraph fetcher', () => {
  it('posts the body with its headers and reads the JSON answer, reusing one connection', async () => {
    const seen: { method?: string; grant?: string; body: string }[] = [];
    const { url, connections } = await serve((request, body, response) => {
      seen.push({
        ...(request.method ? { method: request.method } : {}),
        ...(typeof request.headers['x-gridmark-grant'] === 'string'
          ? { grant: request.headers['x-gridmark-grant'] }
          : {}),
        body,
      });
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=5' });
      response.end(JSON.stringify({ data: { echo: JSON.parse(body) as unknown, text: 'Ω 光伏' } }));
    });
    const fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await fetcher(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-gridmark-grant': `g${i}` },
          body: JSON.stringify({ query: `{ n${i} }` }),
        });
        expect(response.ok).toBe(true);
        expect(response.status).toBe(200);
        expect(response.headers.get('Content-Type')).toBe('application/json');
        expect(response.headers.get('cache-control')).toBe('max-age=5');
        expect(await response.json()).toEqual({
          data: { echo: { query: `{ n${i} }` }, text: 'Ω 光伏' },
        });
        expect(response.bodyUsed).toBe(true);
        await expect(response.text()).rejects.toThrow(/already read/);
      }
      expect(seen.map((s) => s.grant)).toEqual(['g0', 'g1', 'g2']);
      expect(seen.every((s) => s.method === 'POST')).toBe(true);
      expect(connections()).toBe(1);
    } finally {
      fetcher.close();
    }
  });

  it('sends a request once more on a fresh connection when the kept-alive one was closed under it', async () => {
    const requestsPerSocket = new WeakMap<object, number>();
    let dropped = 0;
    const { url, connections } = await serve((request, body, response) => {
      const n = (requestsPerSocket.get(request.socket) ?? 0) + 1;
      requestsPerSocket.set(request.socket, n);
      // Every second request of a connection finds it closed, as when a server's keep-alive timer fires.
      if (n === 2) {
        dropped++;
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    const fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
    try {
      for (let i = 0; i < 4; i++) {
        const response = await fetcher(url, { method: 'POST', body: JSON.stringify({ i }) });
        expect(await response.json()).toEqual({ i });
      }
      // Requests 2, 3 and 4 each meet a dropped connection and succeed on the next one.
      expect(dropped).toBe(3);
      expect(connections()).toBe(4);
    } finally {
      fetcher.close();
    }
  });

  it('hands back error statuses for Apollo to report', async () => {
    const { url } = await serve((_request, _body, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('down for maintenance');
    });
    const fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
    try {
      const response = await fetcher(url, { method: 'POST', body: '{}' });
      expect(response.ok).toBe(false);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('down for maintenance');
    } finally {
      fetcher.close();
    }
  });

  it('rejects when the system does not answer within the deadline', async () => {
    const { url } = await serve(() => {
      // Never answers.
    });
    const fetcher = createSubgraphFetcher({ timeoutMs: 150 });
    try {
      const started = Date.now();
      await expect(fetcher(url, { method: 'POST', body: '{}' })).rejects.toThrow(/within 150 ms/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      fetcher.close();
    }
  });

  it('refuses an answer larger than the limit', async () => {
    const { url } = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { blob: 'x'.repeat(100_000) } }));
    });
    const fetcher = createSubgraphFetcher({ timeoutMs: 2_000, maxResponseBytes: 10_000 });
    try {
      await expect(fetcher(url, { method: 'POST', body: '{}' })).rejects.toThrow(
        /exceeds 10000 bytes/,
      );
    } finally {
      fetcher.close();
    }
  });

  it('rejects when nothing listens, and for URLs that are not http', async () => {
    const { url } = await serve(() => undefined);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
    try {
      await expect(fetcher(url, { method: 'POST', body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
      await expect(fetcher('ftp://127.0.0.1/', { method: 'POST', body: '{}' })).rejects.toThrow(
        /neither http nor https/,
      );
    } finally {
      fetcher.close();
    }
  });
});
