import type {
  Fetcher,
  FetcherHeaders,
  FetcherRequestInit,
  FetcherResponse,
} from '@apollo/utils.fetcher';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** Options of {@link createSubgraphFetcher}. */
export interface SubgraphFetcherOptions {
  /** Deadline of one request, from sending to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Answers longer than this are refused (default 32 MiB): a system cannot exhaust the gateway's memory. */
  readonly maxResponseBytes?: number;
  /** Open connections kept per system (default 64). */
  readonly maxSockets?: number;
  /**
   * Resolves a system's host name for each new connection: a registry's guard, which refuses
   * addresses in networks it does not call, so a host name that changes its answer after
   * registration reaches nothing new. By default the operating system's.
   */
  readonly lookup?: LookupFunction;
}

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * The gateway's HTTP client for subgraph requests: Node's `http`/`https` over keep-alive
 * connections, with a deadline and a size limit per request. Apollo Gateway asks for a `fetch`;
 * this answers the part of it that Apollo uses, without WHATWG streams or a per-request abort
 * signal, which cost more CPU than the rest of a subgraph request (see docs/architecture.md).
 * Transport failures, deadlines and oversized answers reject, as `fetch` does.
 */
export function createSubgraphFetcher(
  options: SubgraphFetcherOptions,
): Fetcher & { close(): void } {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // Idle connections are closed after 4 s (sooner when a system announces a shorter keep-alive),
  // before Node's default 5 s server timeout would close them under a request.
  const agentOptions = {
    keepAlive: true,
    timeout: 4_000,
    maxSockets: options.maxSockets ?? 64,
    scheduling: 'lifo' as const,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new TypeError(`subgraph URL ${url} is neither http nor https`);
    const body =
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? Buffer.from(init.body)
          : init.body;
    const headers: Record<string, string | number> = { ...init.headers };
    if (body !== undefined) headers['content-length'] = body.length;
    const deadline = Date.now() + options.timeoutMs;
    try {
      return await send(target, init.method ?? 'GET', headers, body, deadline);
    } catch (error) {
      // A kept-alive connection the system closed just as the request went out: the system never
      // read the request, so it is sent once more on a fresh connection (Node's advice for keep-alive).
      if (!(error instanceof StaleConnectionError)) throw error;
      return send(target, init.method ?? 'GET', headers, body, deadline);
    }
  };
  const send = (
    target: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | undefined,
    deadline: number,
  ): Promise<FetcherResponse> =>
    new Promise((resolve, reject) => {
      const secure = target.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method,
        headers,
        agent: secure ? agents.https : agents.http,
      });
      const timer = setTimeout(
        () =>
          request.destroy(
            new Error(`no answer from ${target.origin} within ${options.timeoutMs} ms`),
          ),
        Math.max(0, deadline - Date.now()),
      );
      let answered = false;
      const fail = (error: Error): void => {
        clearTimeout(timer);
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          !answered && request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')
            ? new StaleConnectionError(error)
            : error,
        );
      };
      request.once('error', fail);
      request.once('response', (response: IncomingMessage) => {
        answered = true;
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length > maxBytes) {
            request.destroy(
              new Error(`the answer from ${target.origin} exceeds ${maxBytes} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.once('error', fail);
        response.once('end', () => {
          clearTimeout(timer);
          resolve(
            new BufferedResponse(
              target.href,
              response.statusCode ?? 0,
              response.statusMessage ?? '',
              response.headers,
              chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length),
            ),
          );
        });
      });
      request.end(body);
    });
  return Object.assign(fetcher, {
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}

/** The request went out on a kept-alive connection that the other side had already closed. */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleConnectionError';
  }
}

/** A fully received answer, readable once as text, JSON or bytes. */
class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly ok: boolean;
  readonly headers: FetcherHeaders;
  #used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ReceivedHeaders(headers);
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  text(): Promise<string> {
    return this.#read((bytes) => bytes.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.#read((bytes) => JSON.parse(bytes.toString('utf8')) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read(
      (bytes) =>
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
  }

  clone(): FetcherResponse {
    if (this.#used) throw new TypeError('the body of this answer was already read');
    return new BufferedResponse(
      this.url,
      this.status,
      this.statusText,
      Object.fromEntries(this.headers),
      this.body,
    );
  }

  /** The body decoded once; a second read, or a body that does not decode, rejects. */
  #read<T>(decode: (bytes: Buffer) => T): Promise<T> {
    if (this.#used)
      return Promise.reject(new TypeError('the body of this answer was already read'));
    this.#used = true;
    try {
      return Promise.resolve(decode(this.body));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** The answer's headers, read-only in effect: Apollo only reads them. */
class ReceivedHeaders implements FetcherHeaders {
  readonly #map = new Map<string, string>();

  constructor(headers: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.#map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.#map.get(key);
    this.#map.set(key, current === undefined ? value : `${current}, ${value}`);
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }
  values(): IterableIterator<string> {
    return this.#map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}
