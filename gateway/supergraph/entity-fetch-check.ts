import {
  Kind,
  OperationTypeNode,
  parse,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { BoundedMap, GridmarkError } from '../../schema/index.js';

/** What one subgraph operation text asks for, worked out once per text. */
type OperationShape =
  | {
      readonly kind: 'entities';
      readonly representations: string;
      readonly fields: readonly string[];
    }
  /** `{ __typename }` only, as Apollo Gateway's health check asks. */
  | { readonly kind: 'typename' }
  | { readonly kind: 'refused'; readonly reason: string };

/** Checks what the gateway is about to ask a business system. */
export interface EntityFetchCheck {
  /**
   * Passes a request that selects only `_entities` on `Device` with fields in `owned` (and
   * `__typename`, `id`), with representations that carry the key and nothing else.
   *
   * @throws GridmarkError `SUBGRAPH_FETCH_REFUSED` naming the system and what was refused.
   */
  check(
    query: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    owned: ReadonlySet<string>,
  ): void;
}

const KEY_FIELDS = new Set(['__typename', 'id']);
const EXECUTION_DIRECTIVES = new Set(['include', 'skip']);

/**
 * The second line behind the schema policy: whatever the query planner plans, a business system is
 * asked for its own `Device` fields of devices named by their key, and nothing else – no root
 * field, no other type, no field another system owns, no other system's values in the
 * representations. Each operation text is parsed once (the planner sends few distinct texts);
 * a request then costs a set lookup per field and a look at each representation.
 */
export function createEntityFetchCheck(options: {
  readonly system: string;
  readonly cacheSize?: number;
}): EntityFetchCheck {
  const shapes = new BoundedMap<string, OperationShape>(options.cacheSize ?? 1_000);
  const refuse = (reason: string): never => {
    throw new GridmarkError(
      'SUBGRAPH_FETCH_REFUSED',
      `The gateway did not send business system "${options.system}" a request: ${reason}.`,
      { details: { system: options.system, reason } },
    );
  };
  return {
    check(query, variables, owned) {
      let shape = shapes.get(query);
      if (shape === undefined) {
        shape = shapeOf(query);
        shapes.set(query, shape);
      }
      if (shape.kind === 'refused') return refuse(shape.reason);
      if (shape.kind === 'typename') return;
      for (const field of shape.fields)
        if (!owned.has(field))
          refuse(`Device.${field} is not a registered field of ${options.system}`);
      const representations = variables?.[shape.representations];
      if (!Array.isArray(representations)) return refuse('the representations are not a list');
      for (const representation of representations as unknown[]) {
        if (!isDeviceKey(representation))
          refuse('a representation carries more than the Device key');
      }
    },
  };
}

/** True for exactly `{ __typename: "Device", id: "<string>" }`. */
function isDeviceKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { __typename: typename, id } = value as { __typename?: unknown; id?: unknown };
  if (typename !== 'Device' || typeof id !== 'string') return false;
  let keys = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++keys > 2) return false;
  return keys === 2;
}

function shapeOf(query: string): OperationShape {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return { kind: 'refused', reason: 'the operation does not parse' };
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const operation = operations[0];
  if (
    operations.length !== 1 ||
    !operation ||
    operations.length + fragments.size !== document.definitions.length
  )
    return { kind: 'refused', reason: 'the request is not one operation' };
  if (operation.operation !== OperationTypeNode.QUERY)
    return { kind: 'refused', reason: `it is a ${operation.operation}` };
  try {
    return rootShape(operation.selectionSet, fragments);
  } catch (error) {
    if (error instanceof ShapeRefusal) return { kind: 'refused', reason: error.message };
    throw error;
  }
}

class ShapeRefusal extends Error {}

function rootShape(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): OperationShape {
  let entities: { representations: string; fields: Set<string> } | undefined;
  for (const selection of set.selections) {
    if (selection.kind !== Kind.FIELD) throw new ShapeRefusal('the root selects a fragment');
    checkDirectives(selection.directives);
    if (selection.name.value === '__typename') continue;
    if (selection.name.value !== '_entities' || entities !== undefined)
      throw new ShapeRefusal(`it selects the root field ${selection.name.value}`);
    const argument = selection.arguments?.length === 1 ? selection.arguments[0] : undefined;
    if (argument?.name.value !== 'representations' || argument.value.kind !== Kind.VARIABLE)
      throw new ShapeRefusal('_entities is not given its representations as a variable');
    entities = { representations: argument.value.name.value, fields: new Set() };
    collectEntities(selection.selectionSet, fragments, entities.fields, new Set());
  }
  return entities
    ? {
        kind: 'entities',
        representations: entities.representations,
        fields: [...entities.fields].filter((f) => !KEY_FIELDS.has(f)),
      }
    : { kind: 'typename' };
}

/** Collects the fields selected on `Device` under `_entities`; anything on another type is refused. */
function collectEntities(
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  fields: Set<string>,
  seen: Set<string>,
  onDevice = false,
): void {
  for (const selection of set?.selections ?? []) {
    checkDirectives(selection.directives);
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      if (!onDevice) throw new ShapeRefusal(`it selects ${selection.name.value} outside Device`);
      fields.add(selection.name.value);
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) throw new ShapeRefusal('it spreads an unknown fragment');
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (seen.has(selection.name.value)) continue;
      seen.add(selection.name.value);
    }
    const type = fragment.typeCondition?.name.value;
    if (type !== undefined && type !== 'Device') throw new ShapeRefusal(`it selects on ${type}`);
    if (type === undefined && !onDevice) throw new ShapeRefusal('it selects outside Device');
    collectEntities(fragment.selectionSet, fragments, fields, seen, true);
  }
}

function checkDirectives(directives: readonly DirectiveNode[] | undefined): void {
  for (const directive of directives ?? [])
    if (!EXECUTION_DIRECTIVES.has(directive.name.value))
      throw new ShapeRefusal(`it carries @${directive.name.value}`);
}
