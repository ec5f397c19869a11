import { Kind, parse } from 'graphql';
import { BoundedMap, RESERVED_DEVICE_FIELDS } from '../../schema/index.js';
import { definitionName, federationBoilerplate } from './federation-boilerplate.js';
import type { SchemaPolicySubject } from './subgraph-schema-policy.js';

/** What one subgraph SDL declares for itself. */
export interface DeclaredElements {
  /** Its `Device` fields other than the key. */
  readonly deviceFields: readonly string[];
  /** Its named types other than `Device`, the root types and the federation boilerplate. */
  readonly types: readonly string[];
}

/** A subgraph as ownership sees it. */
export interface OwnershipSubgraph {
  readonly name: string;
  /** The SDL it is composed with (or registered with); absent when it has none yet. */
  readonly sdl?: string;
  /**
   * Business systems: the `Device` fields registered to it, which are its own whatever any SDL
   * says. Absent for the aggregator's own subgraphs, which own every field they declare.
   */
  readonly registeredFields?: readonly string[];
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const declared = new BoundedMap<string, DeclaredElements>(256);

/** The `Device` fields and types an SDL declares; an SDL that does not parse declares nothing. */
export function declaredElements(sdl: string): DeclaredElements {
  const known = declared.get(sdl);
  if (known) return known;
  const deviceFields = new Set<string>();
  const types = new Set<string>();
  let definitions: ReturnType<typeof parse>['definitions'] = [];
  try {
    definitions = parse(sdl).definitions;
  } catch {
    // Nothing declared: composition reports the SDL.
  }
  const boilerplate = federationBoilerplate().definitions;
  for (const definition of definitions) {
    const name = definitionName(definition);
    if (
      name === undefined ||
      definition.kind === Kind.DIRECTIVE_DEFINITION ||
      ROOT_TYPES.has(name) ||
      boilerplate.has(name)
    )
      continue;
    if (name !== 'Device') {
      types.add(name);
    } else if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION
    ) {
      for (const field of definition.fields ?? [])
        if (field.name.value !== 'id') deviceFields.add(field.name.value);
    }
  }
  const elements = { deviceFields: [...deviceFields], types: [...types] };
  declared.set(sdl, elements);
  return elements;
}

/**
 * What the schema policy must know of `subgraphName` among `subgraphs`: the `Device` fields that
 * belong to someone else (the aggregator's, the reserved ones, and those other business systems
 * registered) and the types other subgraphs declare. A field another system declares but has not
 * registered is not its own yet; two systems declaring it do not compose.
 */
export function policySubject(
  subgraphName: string,
  subgraphs: readonly OwnershipSubgraph[],
): SchemaPolicySubject {
  const fields = new Map<string, string>(
    [...RESERVED_DEVICE_FIELDS].map((f) => [f, 'the aggregator']),
  );
  const types = new Map<string, string>();
  for (const subgraph of subgraphs) {
    if (subgraph.name === subgraphName) continue;
    const elements = subgraph.sdl === undefined ? undefined : declaredElements(subgraph.sdl);
    for (const type of elements?.types ?? []) if (!types.has(type)) types.set(type, subgraph.name);
    const owned = subgraph.registeredFields ?? elements?.deviceFields ?? [];
    for (const field of owned) if (!fields.has(field)) fields.set(field, subgraph.name);
  }
  return { subgraphName, fieldsOwnedElsewhere: fields, typesOwnedElsewhere: types };
}
