import DataLoader from 'dataloader';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GridmarkError, parseIdentifier } from '../../schema/index.js';
import type { DeviceDirectory, DirectoryEntry } from './device-directory.js';

/** The name of the gateway's own subgraph in the supergraph. */
export const CATALOG_SUBGRAPH = 'catalog';

/** The catalog subgraph's SDL: the root fields and the aggregator's own `Device` fields. */
export const CATALOG_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  "One device by its identifier (<prefix>/<suffix>); null when no business system holds it."
  device(id: ID!): Device
  "Many devices at once, in the order asked; null for identifiers no business system holds."
  devices(ids: [ID!]!): [Device]!
}

"""A physical device, one logical record over every business system that holds it."""
type Device @key(fields: "id") {
  "The device identifier, <prefix>/<suffix>: the prefix is the issuing system's code."
  id: ID!
  "What kind of device this is, as registered with the aggregator."
  kind: DeviceKind!
  "The business systems that hold data on this device (two or more make it a key device)."
  heldBy: [String!]!
}

"""Kinds of devices in a PV or wind plant."""
enum DeviceKind {
  MODULE
  STRING
  COMBINER_BOX
  INVERTER
  TRANSFORMER
  METER
  OTHER
}
`;

/** The most identifiers one `devices(ids:)` call may ask for, unless configured otherwise. */
export const DEFAULT_MAX_DEVICES_PER_QUERY = 500;

interface CatalogContext {
  readonly catalog?: DataLoader<string, DirectoryEntry | null>;
}

/**
 * Builds the catalog subgraph over a device directory. It validates identifiers (`BAD_IDENTIFIER`)
 * and answers `null` for devices nobody holds.
 */
export function createCatalogSchema(
  directory: DeviceDirectory,
  options: { readonly maxDevicesPerQuery?: number } = {},
): { readonly sdl: string; readonly schema: GraphQLSchema; createContext(): CatalogContext } {
  const max = options.maxDevicesPerQuery ?? DEFAULT_MAX_DEVICES_PER_QUERY;
  const loaderOf = (context: unknown): DataLoader<string, DirectoryEntry | null> => {
    const loader = (context as CatalogContext).catalog;
    if (!loader) throw new Error('catalog context was not created for this request');
    return loader;
  };
  const checked = (id: string): string => {
    try {
      parseIdentifier(id);
      return id;
    } catch (error) {
      if (error instanceof GridmarkError) throw error.toGraphQLError();
      throw error;
    }
  };
  const schema = buildSubgraphSchema({
    typeDefs: parse(CATALOG_SDL),
    resolvers: {
      Query: {
        device: (_: unknown, args: { id: string }, context: unknown) =>
          loaderOf(context).load(checked(args.id)),
        devices: (_: unknown, args: { ids: string[] }, context: unknown) => {
          if (args.ids.length > max) {
            throw new GridmarkError(
              'LIMIT_EXCEEDED',
              `devices(ids:) takes at most ${max} identifiers; ${args.ids.length} were given.`,
              { details: { limit: max } },
            ).toGraphQLError();
          }
          return loaderOf(context).loadMany(args.ids.map(checked));
        },
      },
      Device: {
        __resolveReference: (reference: { id: string }, context: unknown) =>
          loaderOf(context).load(reference.id),
      },
    },
  });
  return {
    sdl: CATALOG_SDL,
    schema,
    createContext: () => ({
      catalog: new DataLoader<string, DirectoryEntry | null>(async (ids) => {
        const found = await directory.lookup(ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
    }),
  };
}
