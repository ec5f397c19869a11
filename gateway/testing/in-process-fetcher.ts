import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';

/** A switch to make an in-process subgraph behave as if its host were down. */
export interface Reachability {
  down: boolean;
}

/**
 * A fetcher that hands the gateway's subgraph requests straight to an in-process Apollo Server,
 * through the same HTTP pipeline a socket would reach, without opening one. When `reachability`
 * says down, it fails the way `fetch` fails on a refused connection.
 */
export function createInProcessFetcher<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  createContext: (header: (name: string) => string | undefined) => TContext,
  reachability: Reachability,
): Fetcher {
  return async (url: string, init?: FetcherRequestInit) => {
    if (reachability.down)
      throw new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED ${url}`) });
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(init?.headers ?? {}))
      headers.set(key.toLowerCase(), value);
    const text = typeof init?.body === 'string' ? init.body : (init?.body?.toString('utf8') ?? '');
    const result = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: init?.method ?? 'POST',
        headers,
        search: '',
        body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
      },
      context: () => Promise.resolve(createContext((name) => headers.get(name))),
    });
    let body = '';
    if (result.body.kind === 'complete') body = result.body.string;
    else for await (const chunk of result.body.asyncIterator) body += chunk;
    return new Response(body, { status: result.status ?? 200, headers: [...result.headers] });
  };
}
