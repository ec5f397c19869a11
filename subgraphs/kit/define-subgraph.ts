import DataLoader from 'dataloader';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GridmarkError, PROTOCOL_VERSIONS } from '../../schema/index.js';
import type { AnchorJournal, JournalView } from './anchor-journal.js';
import {
  validateDeclaration,
  type DeviceRecord,
  type ShareableField,
  type SubgraphDeclaration,
} from './declaration.js';
import {
  createAccessChecker,
  requireCovered,
  type AccessPolicy,
  type HeaderReader,
  type RequestAccess,
} from './field-access.js';
import { ProofCollector } from './proof-collector.js';
import { renderSubgraphSdl } from './subgraph-sdl.js';

/** Per-request state of a subgraph. */
export interface SubgraphContext {
  /** One DataLoader, so a request reads each batch once. */
  readonly devices: DataLoader<string, DeviceRecord | null>;
  /** The request's grant, checked once. */
  readonly access: RequestAccess;
  /** Proofs of the values served: sent in `extensions.gridmark.proofs`. */
  readonly proofs: ProofCollector;
  /** With grants required, the system's grant key: sent in `extensions.gridmark.grantKey`. */
  readonly grantKey?: string;
  /** The protocol versions the system speaks: sent in `extensions.gridmark.protocol`. */
  readonly protocol: readonly number[];
}

/** A business system's subgraph, ready to serve over HTTP or in-process. */
export interface Subgraph {
  readonly name: string;
  readonly title: string;
  readonly fields: readonly ShareableField[];
  /** The Federation 2 SDL, as `_service { sdl }` returns it. */
  readonly sdl: string;
  readonly schema: GraphQLSchema;
  /** A fresh context for one request, given the request's headers, checked with the keys known now. */
  createContext(headers?: HeaderReader): SubgraphContext;
  /**
   * Fetches the gateway's key set again (at most as often as its source allows), for a grant that
   * named a key id the system does not know; the server then checks the request once more.
   * Absent when the access policy cannot fetch keys.
   */
  refreshGatewayKeys?(): Promise<void>;
}

/** Deployment options of a subgraph. */
export interface SubgraphOptions {
  /** Who may read. Default `open`; a subgraph on a network should require the gateway's grants. */
  readonly access?: AccessPolicy;
  /** The anchor journal: with it, every served value comes with its proof. */
  readonly journal?: AnchorJournal;
}

const JOURNAL = Symbol('journal');
type LoadedRecord = DeviceRecord & { readonly id: string; readonly [JOURNAL]?: JournalView };

/**
 * Turns a declaration into a Federation 2 subgraph whose `Device` entity is keyed by the device
 * identifier. Entity fetches of one request are batched through the declaration's loader. With
 * grants required, every field resolver checks the request's grant covers the device and the
 * field; with a journal, every served value carries its salt so the gateway can verify it.
 *
 * @throws GridmarkError `BAD_DECLARATION` when names are invalid or the SDL does not build.
 * @example
 * const subgraph = defineSubgraph({
 *   name: 'asset', title: 'Asset register',
 *   fields: [{ name: 'assetStatus', type: 'String', description: 'In service or scrapped' }],
 *   loadDevices: async (ids) => new Map(rows(ids).map((r) => [r.id, r])),
 * }, { access: { kind: 'grants', gatewayPublicKey } });
 */
export function defineSubgraph(
  declaration: SubgraphDeclaration,
  options: SubgraphOptions = {},
): Subgraph {
  validateDeclaration(declaration);
  const sdl = renderSubgraphSdl(declaration);
  const checker = createAccessChecker(options.access ?? { kind: 'open' }, declaration.name);
  const journal = options.journal;
  // Filled once the schema has built (so a broken typeDefs reports as BAD_DECLARATION first).
  let composite = new Set<string>();

  const fieldResolver =
    ({ name: field }: ShareableField) =>
    (record: LoadedRecord, _args: unknown, context: SubgraphContext) => {
      requireCovered(context.access, record.id, field);
      const value = record[field] ?? null;
      const entry = record[JOURNAL]?.get(record.id, field);
      if (entry)
        context.proofs.add(
          record.id,
          field,
          { code: entry.fieldCode, salt: entry.salt },
          composite.has(field) ? value : undefined,
        );
      return value;
    };
  const schema = buildSchema(declaration, sdl, {
    // Async, so that a refusal fails this one entity rather than the whole `_entities` list.
    __resolveReference: async (reference: { id: string }, context: SubgraphContext) => {
      requireCovered(context.access, reference.id);
      return context.devices.load(reference.id);
    },
    ...Object.fromEntries(declaration.fields.map((f) => [f.name, fieldResolver(f)])),
  });
  composite = compositeFields(declaration);
  const load = declaration.loadDevices;

  return {
    name: declaration.name,
    title: declaration.title,
    fields: declaration.fields,
    sdl,
    schema,
    createContext: (headers) => contextOf(checker.check(headers)),
    ...(checker.refreshKeys === undefined ? {} : { refreshGatewayKeys: checker.refreshKeys }),
  };

  function contextOf(access: RequestAccess): SubgraphContext {
    return {
      access,
      ...(checker.grantKey === undefined ? {} : { grantKey: checker.grantKey }),
      protocol: PROTOCOL_VERSIONS,
      proofs: new ProofCollector(),
      devices: new DataLoader<string, DeviceRecord | null>(async (ids) => {
        const found = await load(ids);
        const entries = journal?.lookup(ids);
        return ids.map((id) => {
          const record = found.get(id);
          if (record === undefined) return null;
          return entries ? { ...record, id, [JOURNAL]: entries } : { ...record, id };
        });
      }),
    };
  }
}

/**
 * Fields whose type is an object (or a list of objects) of the declaration's own types: a query
 * may select part of such a value, so its proof carries the whole of it. Read from the SDL, not
 * from the built schema, which may come from another copy of graphql-js.
 */
function compositeFields(declaration: SubgraphDeclaration): Set<string> {
  const objectTypes = new Set<string>();
  if (declaration.typeDefs?.trim()) {
    for (const definition of parse(declaration.typeDefs).definitions) {
      if (
        definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
        definition.kind === Kind.UNION_TYPE_DEFINITION
      )
        objectTypes.add(definition.name.value);
    }
  }
  return new Set(
    declaration.fields
      .filter((f) => objectTypes.has(f.type.replace(/[[\]!\s]/g, '')))
      .map((f) => f.name),
  );
}

function buildSchema(
  declaration: SubgraphDeclaration,
  sdl: string,
  deviceResolvers: Record<string, unknown>,
): GraphQLSchema {
  try {
    return buildSubgraphSchema({
      typeDefs: parse(sdl),
      resolvers: { Device: deviceResolvers } as never,
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new GridmarkError(
      'BAD_DECLARATION',
      `Subgraph "${declaration.name}": its schema does not build: ${reason}`,
      {
        details: { subgraph: declaration.name },
        cause,
      },
    );
  }
}
