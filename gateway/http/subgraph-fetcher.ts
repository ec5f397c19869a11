import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { BufferedResponse } from './buffered-response.js';

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
  const client = new SubgraphClient(options);
  return Object.assign((url: string, init?: FetcherRequestInit) => client.fetch(url, init), {
    close: (): void => client.close(),
  });
}

/** Keep-alive connections to the business systems, and the requests sent over them. */
class SubgraphClient {
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #agents: { readonly http: HttpAgent; readonly https: HttpsAgent };

  constructor(options: SubgraphFetcherOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    // Idle connections are closed after 4 s (sooner when a system announces a shorter keep-alive),
    // before Node's default 5 s server timeout would close them under a request.
    const agentOptions = {
      keepAlive: true,
      timeout: 4_000,
      maxSockets: options.maxSockets ?? 64,
      scheduling: 'lifo' as const,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    };
    this.#agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  }

  async fetch(url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> {
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
    const deadline = Date.now() + this.#timeoutMs;
    const method = init.method ?? 'GET';
    try {
      return await this.#send(target, method, headers, body, deadline);
    } catch (error) {
      // A kept-alive connection the system closed just as the request went out: the system never
      // read the request, so it is sent once more on a fresh connection (Node's advice for keep-alive).
      if (!(error instanceof StaleConnectionError)) throw error;
      return this.#send(target, method, headers, body, deadline);
    }
  }

  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  #send(
    target: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | undefined,
    deadline: number,
  ): Promise<FetcherResponse> {
    return new Promise((resolve, reject) => {
      const secure = target.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method,
        headers,
        agent: secure ? this.#agents.https : this.#agents.http,
      });
      const timer = setTimeout(
        () =>
          request.destroy(
            new Error(`no answer from ${target.origin} within ${this.#timeoutMs} ms`),
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
        readAnswer(request, response, target, this.#maxBytes, fail, (answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
      });
      request.end(body);
    });
  }
}

/**
 * Reads an answer whole: one larger than `maxBytes` destroys the request (its error fails the
 * exchange), and a received answer is handed to `done`.
 */
function readAnswer(
  request: ClientRequest,
  response: IncomingMessage,
  target: URL,
  maxBytes: number,
  fail: (error: Error) => void,
  done: (answer: BufferedResponse) => void,
): void {
  const chunks: Buffer[] = [];
  let length = 0;
  response.on('data', (chunk: Buffer) => {
    length += chunk.length;
    if (length > maxBytes) {
      request.destroy(new Error(`the answer from ${target.origin} exceeds ${maxBytes} bytes`));
      return;
    }
    chunks.push(chunk);
  });
  response.once('error', fail);
  response.once('end', () =>
    done(
      new BufferedResponse(
        target.href,
        response.statusCode ?? 0,
        response.statusMessage ?? '',
        response.headers,
        chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length),
      ),
    ),
  );
}

/** The request went out on a kept-alive connection that the other side had already closed. */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleConnectionError';
  }
}
