import { Agent, request } from 'node:http';

/** What one POST answered. */
export interface PostResult {
  readonly status: number;
  readonly body: string;
}

/** Posts JSON over keep-alive connections (Node's `http`, cheaper per request than `fetch`). */
export interface JsonPoster {
  post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<PostResult>;
  close(): void;
}

/**
 * A poster with at most `connections` sockets; a request gets `timeoutMs` from being sent to its
 * whole answer, then fails.
 */
export function createJsonPoster(options: {
  readonly connections: number;
  readonly timeoutMs: number;
}): JsonPoster {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  return {
    post: (url, headers, body) =>
      new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              ...headers,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.setTimeout(options.timeoutMs, () =>
          req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
