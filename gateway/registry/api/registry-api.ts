import { ApolloServer, type ApolloServerOptionsWithTypeDefs } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { GridmarkError, type Logger } from '../../../schema/index.js';
import { createErrorFormatter } from '../../error-formatting.js';
import { bearerToken } from '../../http/index.js';
import type { Registry } from '../registry.js';
import {
  REGISTRY_TYPE_DEFS,
  createRegistryResolvers,
  type RegistryContext,
} from './registry-schema.js';
import { SELF_SERVICE_TYPE_DEFS, selfServiceResolvers } from './self-service-api.js';

/** A further part of the control plane served at `/registry` (e.g. billing): its schema extends the registry's. */
export interface RegistryApiExtension {
  readonly typeDefs: string;
  readonly resolvers: ApiResolvers;
}

/** Resolvers as Apollo Server takes them (one map of a resolver list). */
type ApiResolvers = Extract<
  NonNullable<ApolloServerOptionsWithTypeDefs<RegistryContext>['resolvers']>,
  object[]
>[number];

/** The registry API server and how to build a request's context. */
export interface RegistryApi {
  readonly server: ApolloServer<RegistryContext>;
  context(request: IncomingMessage): Promise<RegistryContext>;
}

/**
 * The registry's GraphQL API, served beside the device supergraph at `/registry`: it is the
 * control plane (who may publish what), with its own credentials, and it must keep answering
 * while the data plane's supergraph recomposes.
 */
export function createRegistryApi(
  registry: Registry,
  options: {
    readonly mode: 'development' | 'production';
    readonly logger: Logger;
    readonly extensions?: readonly RegistryApiExtension[];
  },
): RegistryApi {
  const extensions = options.extensions ?? [];
  const server = new ApolloServer<RegistryContext>({
    typeDefs: [REGISTRY_TYPE_DEFS, SELF_SERVICE_TYPE_DEFS, ...extensions.map((e) => e.typeDefs)],
    resolvers: [
      createRegistryResolvers(registry),
      selfServiceResolvers(registry),
      ...extensions.map((e) => e.resolvers),
    ],
    logger: options.logger,
    introspection: options.mode === 'development',
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(options.logger),
    plugins: [
      options.mode === 'development'
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  return {
    server,
    async context(request) {
      const key = bearerToken(request.headers.authorization);
      if (key === null)
        throw unauthenticated('The Authorization header must be "Bearer <API key>".');
      try {
        return { caller: await registry.authenticate(key) };
      } catch (error) {
        if (error instanceof GridmarkError && error.code === 'UNAUTHENTICATED')
          throw unauthenticated(error.message);
        throw error;
      }
    },
  };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}
