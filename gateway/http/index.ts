/**
 * The gateway's HTTP edges: the server's GraphQL handler and its routes, the fetcher that calls
 * business systems, bearer tokens, and ASCII JSON. Imports only the schema's door.
 */
export { stringifyAsciiJson } from './ascii-json.js';
export { bearerToken } from './bearer-token.js';
export {
  answerClientError,
  createGraphqlHttpHandler,
  sendJson,
  DEFAULT_MAX_NESTING,
  type GraphqlHttpHandlerOptions,
  type HttpRoute,
} from './graphql-http-handler.js';
export { createSubgraphFetcher, type SubgraphFetcherOptions } from './subgraph-fetcher.js';
