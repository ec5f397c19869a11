import { join } from 'node:path';
import {
  ApolloGateway,
  IntrospectAndCompose,
  LocalGraphQLDataSource,
  RemoteGraphQLDataSource,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  CATALOG_SUBGRAPH,
  createCatalogSchema,
  createGateway,
  createMemoryDirectory,
  type DeviceKind,
  type DirectoryEntry,
} from '../../gateway/index.js';
import type { Logger } from '../../schema/index.js';
import { listIdentifierHoldings, openSystemDatabase } from '../demo/index.js';

/** A baseline gateway of the benchmark, serving. */
export interface BaselineGateway {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The baseline of the gateway benchmark: Apollo Gateway and Apollo Server as their documentation
 * sets them up (`IntrospectAndCompose`, the default `RemoteGraphQLDataSource`, the standalone
 * Node http server), nothing of gridmark's around them. Only the catalog subgraph is gridmark's,
 * served in process by Apollo's `LocalGraphQLDataSource`, so that both gateways compose the same
 * supergraph and plan the same query. Its directory is held in memory, read from the business
 * systems' identifier tables in `dataDir`.
 */
export async function startBareGateway(options: {
  readonly dataDir: string;
  readonly systems: readonly { readonly name: string; readonly url: string }[];
}): Promise<BaselineGateway> {
  const catalog = createCatalogSchema(
    createMemoryDirectory(
      readDirectory(
        options.dataDir,
        options.systems.map((s) => s.name),
      ),
    ),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [{ name: CATALOG_SUBGRAPH, url: 'local://catalog' }, ...options.systems],
    }),
    buildService: ({ name, url }) =>
      name === CATALOG_SUBGRAPH
        ? new LocalGraphQLDataSource(catalog.schema)
        : new RemoteGraphQLDataSource({ url }),
  });
  // The benchmark's process owns its signals, as gridmark's does.
  const server = new ApolloServer({ gateway, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: () => Promise.resolve({ ...catalog.createContext() }),
  });
  return { url, stop: () => server.stop() };
}

/**
 * gridmark's gateway without access control, over the same systems and directory as
 * {@link startBareGateway}: what gridmark's own plumbing costs before any rule, grant or proof.
 */
export async function startOpenGateway(options: {
  readonly dataDir: string;
  readonly systems: readonly { readonly name: string; readonly url: string }[];
  readonly logger: Logger;
}): Promise<BaselineGateway> {
  const gateway = createGateway({
    systems: options.systems,
    directory: createMemoryDirectory(
      readDirectory(
        options.dataDir,
        options.systems.map((s) => s.name),
      ),
    ),
    logger: options.logger,
  });
  await gateway.start();
  const url = await gateway.listen(0, '127.0.0.1');
  return { url, stop: () => gateway.stop() };
}

/** Who holds which device, from each system's `device_identifiers` table. */
function readDirectory(dataDir: string, names: readonly string[]): DirectoryEntry[] {
  const entries = new Map<string, { kind: DeviceKind; heldBy: string[] }>();
  for (const name of names) {
    const db = openSystemDatabase(join(dataDir, `${name}.db`), { readonly: true });
    try {
      for (const holding of listIdentifierHoldings(db)) {
        const entry = entries.get(holding.identifier);
        if (entry) entry.heldBy.push(name);
        else entries.set(holding.identifier, { kind: holding.kind as DeviceKind, heldBy: [name] });
      }
    } finally {
      db.close();
    }
  }
  return [...entries].map(([id, entry]) => ({ id, ...entry }));
}
