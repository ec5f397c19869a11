import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type HTTPGraphQLRequest,
} from '@apollo/server';
import { BoundedMap } from '../../schema/index.js';
import {
  graphqlNestsDeeperThan,
  jsonNestsDeeperThan,
  valueNestsDeeperThan,
} from './request-nesting.js';

/** A route served beside GraphQL: return true when it handled the request. */
export type HttpRoute = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;

/** Options of {@link createGraphqlHttpHandler}. */
export interface GraphqlHttpHandlerOptions<TContext extends BaseContext> {
  readonly server: ApolloServer<TContext>;
  readonly context: (request: IncomingMessage) => Promise<TContext>;
  /** Paths that serve GraphQL (and the landing page on GET with `Accept: text/html`). */
  readonly graphqlPaths?: readonly string[];
  readonly routes?: readonly HttpRoute[];
  /** Largest accepted request body, in bytes. */
  readonly maxBodyBytes?: number;
  /** Deepest nesting of brackets in the query text, and of arrays and objects in the JSON body or `variables` (default 64). */
  readonly maxNesting?: number;
}

/** Nesting of a request unless configured otherwise: far beyond any real query, far below what exhausts the stack. */
export const DEFAULT_MAX_NESTING = 64;

/**
 * A `node:http` request listener that serves an Apollo Server: it reads and parses the body,
 * hands the request to Apollo's HTTP pipeline and writes back whatever it answers, including
 * chunked responses. Other paths go to `routes`, then 404.
 */
export function createGraphqlHttpHandler<TContext extends BaseContext>(
  options: GraphqlHttpHandlerOptions<TContext>,
): (request: IncomingMessage, response: ServerResponse) => void {
  const paths = new Set(options.graphqlPaths ?? ['/', '/graphql']);
  const maxBody = options.maxBodyBytes ?? 1_048_576;
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const nesting = nestingCheck(maxNesting);
  return (request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      for (const route of options.routes ?? []) if (await route(request, response, url)) return;
      if (!paths.has(url.pathname))
        return sendJson(response, 404, {
          errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }],
        });
      const body = await readBody(request, maxBody);
      if (body.kind === 'too-large')
        return sendJson(response, 413, {
          errors: [
            {
              message: `Request body exceeds ${maxBody} bytes.`,
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        });
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let parsed: unknown = body.text;
      if (body.text.length > 0 && (headers.get('content-type') ?? '').includes('json')) {
        try {
          parsed = JSON.parse(body.text);
        } catch {
          return sendJson(response, 400, {
            errors: [
              {
                message: 'The request body is not valid JSON.',
                extensions: { code: 'BAD_REQUEST' },
              },
            ],
          });
        }
      }
      if (nesting(parsed, url.searchParams)) return refuseNesting(response, maxNesting);
      const httpGraphQLRequest: HTTPGraphQLRequest = {
        method: (request.method ?? 'GET').toUpperCase(),
        headers,
        search: url.search,
        body: parsed,
      };
      const result = await options.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: () => options.context(request),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    })().catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, {
          errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_ERROR' } }],
        });
      else response.destroy(error instanceof Error ? error : undefined);
    });
  };
}

/** Query texts up to this size that passed the nesting check are remembered, so that a query sent again is not scanned again. */
const REMEMBERED_QUERY_CHARS = 16_384;

/**
 * Whether a request's query (in the body, each of a batch, or the URL of a GET) or its
 * `variables` or `extensions` nest deeper than `max`. The body is already parsed: V8's JSON
 * parser does not recurse, graphql-js's parser and variable coercion do.
 */
function nestingCheck(max: number): (body: unknown, search: URLSearchParams) => boolean {
  const shallow = new BoundedMap<string, true>(1_000);
  const queryTooDeep = (query: unknown): boolean => {
    if (typeof query !== 'string' || shallow.has(query)) return false;
    if (graphqlNestsDeeperThan(query, max)) return true;
    if (query.length <= REMEMBERED_QUERY_CHARS) shallow.set(query, true);
    return false;
  };
  return (body, search) => {
    for (const request of Array.isArray(body) ? (body as unknown[]) : [body]) {
      if (request === null || typeof request !== 'object') continue;
      const { query, variables, extensions } = request as {
        query?: unknown;
        variables?: unknown;
        extensions?: unknown;
      };
      if (
        queryTooDeep(query) ||
        valueNestsDeeperThan(variables, max - 1) ||
        valueNestsDeeperThan(extensions, max - 1)
      )
        return true;
    }
    if (queryTooDeep(search.get('query'))) return true;
    return ['variables', 'extensions'].some((name) =>
      jsonNestsDeeperThan(search.get(name) ?? '', max),
    );
  };
}

/** Refuses a request that nests too deeply, before anything parses it: 400, `QUERY_TOO_COMPLEX`. */
function refuseNesting(response: ServerResponse, max: number): void {
  sendJson(response, 400, {
    errors: [
      {
        message: `The request nests deeper than ${max} levels; the gateway refuses it unparsed.`,
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: { name: 'nesting', max } },
      },
    ],
  });
}

/** What Node's HTTP parser refuses, as a status, its reason phrase and a message for the client. */
const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'The request headers are too large.',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request did not arrive in time.'],
};

/**
 * A `clientError` listener for the HTTP server: a request Node's parser refuses (a control
 * character in a header, headers over the size limit, a malformed request line) is answered with
 * its 4xx status and a JSON body with a stable code, as any other refusal, instead of a bare status line.
 *
 * @example server.on('clientError', answerClientError);
 */
export function answerClientError(error: Error & { readonly code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'The request is not valid HTTP (a header name or value holds a character HTTP does not allow, or the request line is malformed).',
  ];
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Writes a JSON response. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(
  request: IncomingMessage,
  max: number,
): Promise<{ kind: 'ok'; text: string } | { kind: 'too-large' }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return { kind: 'too-large' };
    chunks.push(chunk);
  }
  return { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') };
}
