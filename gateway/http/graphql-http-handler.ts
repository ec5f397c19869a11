import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';

/** A route served beside GraphQL: return true when it handled the request. */
export type HttpRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** Options of {@link createGraphqlHttpHandler}. */
export interface GraphqlHttpHandlerOptions<TContext extends BaseContext> {
  readonly server: ApolloServer<TContext>;
  readonly context: (request: IncomingMessage) => Promise<TContext>;
  /** Paths that serve GraphQL (and the landing page on GET with `Accept: text/html`). */
  readonly graphqlPaths?: readonly string[];
  readonly routes?: readonly HttpRoute[];
  /** Largest accepted request body, in bytes. */
  readonly maxBodyBytes?: number;
}

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
  return (request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      for (const route of options.routes ?? []) if (await route(request, response, url)) return;
      if (!paths.has(url.pathname)) return sendJson(response, 404, { errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
      const body = await readBody(request, maxBody);
      if (body.kind === 'too-large') return sendJson(response, 413, { errors: [{ message: `Request body exceeds ${maxBody} bytes.`, extensions: { code: 'BAD_REQUEST' } }] });
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let parsed: unknown = body.text;
      if (body.text.length > 0 && (headers.get('content-type') ?? '').includes('json')) {
        try {
          parsed = JSON.parse(body.text);
        } catch {
          return sendJson(response, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      const httpGraphQLRequest: HTTPGraphQLRequest = { method: (request.method ?? 'GET').toUpperCase(), headers, search: url.search, body: parsed };
      const result = await options.server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(request) });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_ERROR' } }] });
      else response.destroy(error instanceof Error ? error : undefined);
    });
  };
}

/** Writes a JSON response. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage, max: number): Promise<{ kind: 'ok'; text: string } | { kind: 'too-large' }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return { kind: 'too-large' };
    chunks.push(chunk);
  }
  return { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') };
}
