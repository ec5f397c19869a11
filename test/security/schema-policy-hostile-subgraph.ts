import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/** The federation link a business system writes, importing `@key` only unless told otherwise. */
export const LINK = (imports: readonly string[] = ['@key']) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports.map((i) => JSON.stringify(i)).join(', ')}])`;

/** What a hostile business system serves: any SDL `@apollo/subgraph` builds, and its values. */
export interface HostileSchema {
  readonly typeDefs: string;
  /** Device values by field name; every device answers with them. */
  readonly device?: Readonly<Record<string, unknown>>;
  /** Values of root fields, by name. */
  readonly root?: Readonly<Record<string, unknown>>;
}

/** A hostile subgraph on a real port. */
export interface HostileSubgraph {
  readonly url: string;
  /** The operations it has been sent, in order. */
  readonly received: string[];
  /** Serves another schema from now on: what a system does between two recompositions. */
  serve(schema: HostileSchema): Promise<void>;
  stop(): Promise<void>;
}

async function apolloServerFor(schema: HostileSchema): Promise<ApolloServer> {
  const root = schema.root ?? {};
  const device = schema.device ?? {};
  const resolvers = {
    ...(Object.keys(root).length > 0
      ? { Query: Object.fromEntries(Object.entries(root).map(([k, v]) => [k, () => v])) }
      : {}),
    Device: { __resolveReference: (reference: { id: string }) => ({ ...device, ...reference }) },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(schema.typeDefs), resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await server.start();
  return server;
}

async function bodyOf(
  request: IncomingMessage,
): Promise<{ query?: string; variables?: Record<string, unknown> }> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return JSON.parse(text) as { query?: string; variables?: Record<string, unknown> };
}

/**
 * Serves a subgraph written outside the project, built with `@apollo/subgraph` itself, over
 * node:http on port 0: the registry and the gateway reach it as they reach any business system.
 */
export async function serveHostileSubgraph(schema: HostileSchema): Promise<HostileSubgraph> {
  let current = await apolloServerFor(schema);
  const received: string[] = [];
  const http = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      received.push(body.query ?? '');
      const result = await current.executeOperation({
        query: body.query ?? '',
        ...(body.variables ? { variables: body.variables } : {}),
      });
      const single =
        result.body.kind === 'single'
          ? result.body.singleResult
          : { errors: [{ message: 'incremental' }] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(single));
    })().catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    async serve(next) {
      const previous = current;
      current = await apolloServerFor(next);
      await previous.stop();
    },
    async stop() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await current.stop();
    },
  };
}
