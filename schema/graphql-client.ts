import { GridmarkError, isErrorCode } from './protocol/index.js';

/**
 * A small GraphQL-over-HTTP client for gridmark's own APIs (the registry API), shared by the
 * operator's CLI, the demo and the subgraph kit's anchoring.
 */
export interface GraphqlClient {
  /** Runs one operation. @throws GridmarkError with the server's code, or `SYSTEM_UNAVAILABLE` when unreachable. */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** Options of {@link createGraphqlClient}. */
export interface GraphqlClientOptions {
  /** The API's URL, e.g. http://localhost:4000/registry. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  readonly timeoutMs?: number;
}

/** Creates a client. */
export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (cause) {
        throw new GridmarkError('SYSTEM_UNAVAILABLE', `${options.url} did not answer`, { cause });
      }
      let body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      try {
        body = (await response.json()) as typeof body;
      } catch (cause) {
        throw new GridmarkError(
          'SYSTEM_UNAVAILABLE',
          `${options.url} answered HTTP ${response.status} without JSON`,
          { cause },
        );
      }
      const error = body.errors?.[0];
      if (error) {
        const code = error.extensions?.['code'];
        const details = Object.fromEntries(
          Object.entries(error.extensions ?? {}).filter(([key]) => key !== 'code'),
        );
        // GraphQL's own client codes (a malformed request) are bad input from the caller's side.
        throw new GridmarkError(
          isErrorCode(code)
            ? code
            : code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT'
              ? 'BAD_INPUT'
              : 'INTERNAL_ERROR',
          error.message,
          { details },
        );
      }
      if (body.data === undefined)
        throw new GridmarkError(
          'INTERNAL_ERROR',
          `${options.url} answered HTTP ${response.status} without data`,
        );
      return body.data;
    },
  };
}
