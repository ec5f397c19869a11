import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { silentLogger, type Logger } from '../../schema/index.js';
import { createSubgraphServer, type DeviceRecord, type Subgraph } from '../../subgraphs/index.js';
import { createMemoryDirectory, type DirectoryEntry } from '../catalog/index.js';
import { createGateway } from '../create-gateway.js';
import type { Gateway, GraphqlResponse } from '../gateway-options.js';
import { createInProcessFetcher, type Reachability } from './in-process-fetcher.js';

/**
 * A subgraph given as SDL. With `records`, its `Device` entities resolve from that fixture
 * (identifier to field values); `resolvers` may add or replace any resolver.
 */
export interface SdlSubgraph {
  readonly name: string;
  readonly sdl: string;
  readonly records?: Readonly<Record<string, DeviceRecord>>;
  readonly resolvers?: Record<string, unknown>;
}

/** Options of {@link createTestNetwork}. */
export interface TestNetworkOptions {
  /** Kit subgraphs (`defineSubgraph(...)`) or SDL subgraphs, served in-process. */
  readonly subgraphs: readonly (Subgraph | SdlSubgraph)[];
  /**
   * The aggregator's device directory. By default every identifier of an SDL subgraph's
   * `records`, held by the subgraphs whose records name it, of kind `OTHER`.
   */
  readonly devices?: readonly DirectoryEntry[];
  readonly maxDevicesPerQuery?: number;
  readonly logger?: Logger;
}

/** A gateway and its subgraphs, all in this process: no sockets, same pipelines as production. */
export interface TestNetwork {
  readonly gateway: Gateway;
  /** Sends one GraphQL operation through the gateway. */
  query(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse>;
  /** Makes a subgraph unreachable (`true`) or reachable again, as if its host went down. */
  setDown(name: string, down: boolean): void;
  stop(): Promise<void>;
}

/**
 * Starts an in-process test network: the real gateway composing real subgraph schemas, each
 * served by its own Apollo Server, with requests handed over in memory.
 *
 * @throws CompositionError when the subgraphs do not compose.
 * @example
 * const network = await createTestNetwork({ subgraphs: [mySubgraph], devices: [{ id: '88.1/A-1', kind: 'INVERTER', heldBy: ['mine'] }] });
 * const { data } = await network.query('{ device(id: "88.1/A-1") { myField } }');
 * await network.stop();
 */
export async function createTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  const logger = options.logger ?? silentLogger;
  const reachability = new Map<string, Reachability>();
  const servers: ApolloServer<object>[] = [];
  const systems = await Promise.all(
    options.subgraphs.map(async (subgraph) => {
      const { server, createContext } =
        'schema' in subgraph
          ? {
              server: createSubgraphServer(subgraph, { logger }) as ApolloServer<object>,
              createContext: (header: (name: string) => string | undefined) =>
                subgraph.createContext(header),
            }
          : sdlServer(subgraph, logger);
      await server.start();
      servers.push(server);
      const state: Reachability = { down: false };
      reachability.set(subgraph.name, state);
      return {
        name: subgraph.name,
        url: `http://${subgraph.name}.subgraph.test/`,
        sdl: subgraph.sdl,
        fetcher: createInProcessFetcher(server, createContext, state),
      };
    }),
  );
  const gateway = createGateway({
    systems,
    directory: createMemoryDirectory(options.devices ?? devicesFromRecords(options.subgraphs)),
    mode: 'development',
    logger,
    ...(options.maxDevicesPerQuery === undefined
      ? {}
      : { maxDevicesPerQuery: options.maxDevicesPerQuery }),
  });
  await gateway.start();
  return {
    gateway,
    query: (query, variables) => gateway.execute(variables ? { query, variables } : { query }),
    setDown(name, down) {
      const state = reachability.get(name);
      if (!state) throw new RangeError(`no subgraph named "${name}" in this test network`);
      state.down = down;
    },
    async stop() {
      await gateway.stop();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

function sdlServer(
  subgraph: SdlSubgraph,
  logger: Logger,
): { server: ApolloServer<object>; createContext: () => object } {
  const records = subgraph.records;
  const resolvers = {
    ...(records
      ? {
          Device: {
            __resolveReference: (ref: { id: string }) =>
              Object.hasOwn(records, ref.id) ? { ...records[ref.id], id: ref.id } : null,
          },
        }
      : {}),
    ...subgraph.resolvers,
  };
  const schema = buildSubgraphSchema({ typeDefs: parse(subgraph.sdl), resolvers: resolvers });
  return {
    server: new ApolloServer<object>({ schema, logger, includeStacktraceInErrorResponses: false }),
    createContext: () => ({}),
  };
}

function devicesFromRecords(subgraphs: readonly (Subgraph | SdlSubgraph)[]): DirectoryEntry[] {
  const holders = new Map<string, string[]>();
  for (const subgraph of subgraphs) {
    if ('schema' in subgraph || !subgraph.records) continue;
    for (const id of Object.keys(subgraph.records))
      holders.set(id, [...(holders.get(id) ?? []), subgraph.name]);
  }
  return [...holders].map(([id, heldBy]) => ({ id, kind: 'OTHER', heldBy }));
}
