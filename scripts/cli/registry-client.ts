import { GridmarkError, isErrorCode } from '../../schema/index.js';

/** A GraphQL client for the registry API, as an operator's tools use it. */
export interface RegistryClient {
  /** Runs one operation. @throws GridmarkError with the server's code, or `SYSTEM_UNAVAILABLE` when unreachable. */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** Options of {@link createRegistryClient}. */
export interface RegistryClientOptions {
  /** The registry API URL, e.g. http://localhost:4000/registry. */
  readonly url: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
}

/** Creates a registry client. */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (cause) {
        throw new GridmarkError('SYSTEM_UNAVAILABLE', `the registry at ${options.url} did not answer`, { cause, details: { system: 'registry' } });
      }
      let body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      try {
        body = (await response.json()) as typeof body;
      } catch (cause) {
        throw new GridmarkError('SYSTEM_UNAVAILABLE', `the registry at ${options.url} answered HTTP ${response.status} without JSON`, { cause });
      }
      const error = body.errors?.[0];
      if (error) {
        const code = error.extensions?.['code'];
        const details = Object.fromEntries(Object.entries(error.extensions ?? {}).filter(([key]) => key !== 'code'));
        // GraphQL's own client codes (a malformed request) are bad input from the caller's side.
        throw new GridmarkError(isErrorCode(code) ? code : code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT' ? 'BAD_INPUT' : 'INTERNAL_ERROR', error.message, { details });
      }
      if (body.data === undefined) throw new GridmarkError('INTERNAL_ERROR', `the registry answered HTTP ${response.status} without data`);
      return body.data;
    },
  };
}
