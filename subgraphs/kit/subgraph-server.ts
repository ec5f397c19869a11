import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import {
  GRAPHQL_CLIENT_CODES,
  GridmarkError,
  createConsoleLogger,
  type Logger,
  type ServedProofs,
} from '../../schema/index.js';
import type { Subgraph, SubgraphContext } from './define-subgraph.js';
import { refusedForUnknownKey } from './field-access.js';

/** Options for serving a subgraph. */
export interface SubgraphServerOptions {
  readonly logger?: Logger;
}

/**
 * An Apollo Server for one subgraph. Errors that are not the client's fault are logged here and
 * reach the gateway only as `SYSTEM_ERROR`, without messages or stack traces.
 */
export function createSubgraphServer(
  subgraph: Subgraph,
  options: SubgraphServerOptions = {},
): ApolloServer<SubgraphContext> {
  const logger = options.logger ?? createConsoleLogger(subgraph.name);
  return new ApolloServer<SubgraphContext>({
    schema: subgraph.schema,
    logger,
    includeStacktraceInErrorResponses: false,
    // The process that embeds the server owns its signals and shuts down in order.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, logger),
    // Federated traces would carry resolver timings of the business system to whoever asks.
    plugins: [ApolloServerPluginInlineTraceDisabled(), gridmarkExtensionsPlugin],
  });
}

function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GridmarkError)
    return {
      ...formatted,
      message: original.message,
      extensions: { ...original.details, code: original.code },
    };
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && GRAPHQL_CLIENT_CODES.has(code))
    return { message: formatted.message, extensions: { code } };
  logger.error(
    `resolver failed: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`,
  );
  return {
    message: 'The business system failed to resolve this field.',
    path: formatted.path,
    extensions: { code: 'SYSTEM_ERROR' },
  };
}

/**
 * Puts what the gateway needs beside the values into `extensions.gridmark`: the protocol versions
 * the system speaks (on every answer), the proofs of the values served, and the system's grant
 * key (with grants required), so that the gateway can seal its next grants for this system.
 */
const gridmarkExtensionsPlugin: ApolloServerPlugin<SubgraphContext> = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse: ({ response, contextValue }) => {
        if (response.body.kind !== 'single') return Promise.resolve();
        const result = response.body.singleResult;
        const gridmark: { protocol: readonly number[]; proofs?: ServedProofs; grantKey?: string } =
          { protocol: contextValue.protocol };
        if (!contextValue.proofs.empty) gridmark.proofs = contextValue.proofs.collect();
        if (contextValue.grantKey !== undefined) gridmark.grantKey = contextValue.grantKey;
        result.extensions = { ...result.extensions, gridmark };
        return Promise.resolve();
      },
    }),
};

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A subgraph listening on a socket. */
export interface RunningSubgraph {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves a subgraph over HTTP.
 *
 * @example const running = await serveSubgraph(subgraph, { port: 4001 }); // running.url
 */
export async function serveSubgraph(
  subgraph: Subgraph,
  listen: { readonly port: number; readonly host?: string },
  options: SubgraphServerOptions = {},
): Promise<RunningSubgraph> {
  const server = createSubgraphServer(subgraph, options);
  const { url } = await startStandaloneServer(server, {
    listen: { port: listen.port, host: listen.host ?? '127.0.0.1' },
    context: async ({ req }) => {
      const headers = (name: string) => headerValue(req.headers[name]);
      const context = subgraph.createContext(headers);
      if (!subgraph.refreshGatewayKeys || !refusedForUnknownKey(context.access)) return context;
      // The gateway may have rotated its key: one refetch of its key set, then one more check.
      await subgraph.refreshGatewayKeys();
      return subgraph.createContext(headers);
    },
  });
  return { name: subgraph.name, url, stop: () => server.stop() };
}
