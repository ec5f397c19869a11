import DataLoader from 'dataloader';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GridmarkError } from '../../schema/index.js';
import {
  validateDeclaration,
  type DeviceRecord,
  type ShareableField,
  type SubgraphDeclaration,
} from './declaration.js';
import { renderSubgraphSdl } from './subgraph-sdl.js';

/** Per-request state of a subgraph: one DataLoader, so a request reads each batch once. */
export interface SubgraphContext {
  readonly devices: DataLoader<string, DeviceRecord | null>;
}

/** A business system's subgraph, ready to serve over HTTP or in-process. */
export interface Subgraph {
  readonly name: string;
  readonly title: string;
  readonly fields: readonly ShareableField[];
  /** The Federation 2 SDL, as `_service { sdl }` returns it. */
  readonly sdl: string;
  readonly schema: GraphQLSchema;
  /** A fresh context for one request. */
  createContext(): SubgraphContext;
}

/**
 * Turns a declaration into a Federation 2 subgraph whose `Device` entity is keyed by the device
 * identifier. Entity fetches of one request are batched through the declaration's loader.
 *
 * @throws GridmarkError `BAD_DECLARATION` when names are invalid or the SDL does not build.
 * @example
 * const subgraph = defineSubgraph({
 *   name: 'asset', title: 'Asset register',
 *   fields: [{ name: 'assetStatus', type: 'String', description: 'In service or scrapped' }],
 *   loadDevices: async (ids) => new Map(rows(ids).map((r) => [r.id, r])),
 * });
 */
export function defineSubgraph(declaration: SubgraphDeclaration): Subgraph {
  validateDeclaration(declaration);
  const sdl = renderSubgraphSdl(declaration);
  const schema = buildSchema(declaration, sdl);
  const load = declaration.loadDevices;
  return {
    name: declaration.name,
    title: declaration.title,
    fields: declaration.fields,
    sdl,
    schema,
    createContext: () => ({
      devices: new DataLoader<string, DeviceRecord | null>(async (ids) => {
        const found = await load(ids);
        return ids.map((id) => {
          const record = found.get(id);
          return record === undefined ? null : { ...record, id };
        });
      }),
    }),
  };
}

function buildSchema(declaration: SubgraphDeclaration, sdl: string): GraphQLSchema {
  try {
    return buildSubgraphSchema({
      typeDefs: parse(sdl),
      resolvers: {
        Device: {
          __resolveReference: (reference: { id: string }, context: SubgraphContext) =>
            context.devices.load(reference.id),
        },
      },
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new GridmarkError('BAD_DECLARATION', `Subgraph "${declaration.name}": its schema does not build: ${reason}`, {
      details: { subgraph: declaration.name },
      cause,
    });
  }
}
