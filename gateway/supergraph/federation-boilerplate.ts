import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, print, type DefinitionNode, type GraphQLSchema } from 'graphql';

/** The one Federation 2 spec a business system links: the version the gateway composes with. */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.3';
/** The link spec that `_service { sdl }` links implicitly. */
export const LINK_SPEC_URL = 'https://specs.apollo.dev/link/v1.0';

/**
 * What `@apollo/subgraph` adds to a subgraph's SDL when it answers `_service { sdl }`: the
 * definitions of the directives and scalars of the link and federation specs, `_Any`, `_Service`,
 * `_Entity` and the `Query` that carries `_entities` and `_service`. A business system's SDL may
 * contain these only exactly as printed here (for a subgraph whose one entity is `Device`).
 */
export interface FederationBoilerplate {
  /** Printed definitions by name: directive names without `@`, type names as they are. */
  readonly definitions: ReadonlyMap<string, string>;
  /** The boilerplate fields of `Query`, printed, by name. */
  readonly queryFields: ReadonlyMap<string, string>;
}

let cached: FederationBoilerplate | undefined;

/**
 * The boilerplate of a `Device`-only subgraph linking {@link FEDERATION_SPEC_URL} with
 * `import: ["@key"]`, read once from what the installed `@apollo/subgraph` prints, so that it
 * matches the subgraph kit byte for byte.
 */
export function federationBoilerplate(): FederationBoilerplate {
  cached ??= readBoilerplate();
  return cached;
}

function readBoilerplate(): FederationBoilerplate {
  const typeDefs = parse(
    `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! }`,
  );
  const definitions = new Map<string, string>();
  const queryFields = new Map<string, string>();
  for (const definition of parse(serviceSdl(buildSubgraphSchema({ typeDefs }))).definitions) {
    const name = definitionName(definition);
    if (name === undefined || name === 'Device') continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && name === 'Query') {
      for (const field of definition.fields ?? []) queryFields.set(field.name.value, print(field));
    } else {
      definitions.set(name, print(definition));
    }
  }
  return { definitions, queryFields };
}

/** The name a definition declares, if it declares one. */
export function definitionName(definition: DefinitionNode): string | undefined {
  return 'name' in definition && definition.name ? definition.name.value : undefined;
}

/**
 * What a subgraph schema built by `@apollo/subgraph` answers to `_service { sdl }`, read from its
 * resolver: executing the query would need the copy of graphql-js that built the schema.
 */
export function serviceSdl(schema: GraphQLSchema): string {
  const resolve = schema.getQueryType()?.getFields()['_service']?.resolve as
    (() => { sdl?: unknown }) | undefined;
  const sdl = resolve?.().sdl;
  if (typeof sdl !== 'string') throw new Error('the schema has no federation _service field');
  return sdl;
}
