import type * as GraphQL from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { createRequire } from 'node:module';
import { GridmarkError, isValidIdentifier } from '../../schema/index.js';

/**
 * graphql-js as Apollo's packages load it (CommonJS): the schema read here is the gateway's, and
 * graphql-js refuses types made by another copy of itself, which an ES-module resolver that
 * prefers the package's `module` entry (vitest's) would hand us.
 */
const {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  isUnionType,
} = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** The entity type whose business-system fields the gateway guards. */
const DEVICE = 'Device';

/** The `Device` fields an operation selects and the devices it asks for. */
export interface DeviceSelection {
  /** Field names selected on `Device`, through fragments, aliases and nesting (top-level names only). */
  readonly fields: ReadonlySet<string>;
  /**
   * Well-formed identifiers in the `ID` arguments of the root fields that return devices, read as
   * the executor reads them: variables coerced with their defaults, a single value coerced to a
   * list, input objects and lists walked to every `ID` they hold.
   */
  readonly deviceIds: readonly string[];
  /**
   * Fields (as `Type.field`) that return devices the operation does not name by identifier: a
   * field below the root, or a root field without an `ID` argument. The devices they yield cannot
   * be resolved in advance, so business-system fields must not be fetched through them.
   */
  readonly unnamed: readonly string[];
}

/**
 * Works out, before anything is fetched, every `Device` field an operation selects and every
 * device it names, from the schema the operation runs against. Fields under `@skip`/`@include`
 * count as selected, and so do the devices of skipped root fields: the check errs towards
 * refusing (and towards resolving, recording and quoting more, never less).
 *
 * @throws GridmarkError `BAD_INPUT` when the variables or arguments do not coerce (the executor
 *   would refuse the operation as well).
 */
export function selectDeviceFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): DeviceSelection {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, {
    maxErrors: 1,
  });
  if (coerced.errors) throw badInput(coerced.errors[0]);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const device = schema.getType(DEVICE);
  const root = rootType(schema, operation);
  const walk = new SelectionWalk(schema, fragments, coerced.coerced, device, root);
  if (root) walk.visit(operation.selectionSet, root);
  return {
    fields: walk.fields,
    deviceIds: [...new Set(walk.deviceIds.filter(isValidIdentifier))],
    unnamed: [...walk.unnamed],
  };
}

/** One pass over an operation's selections, each named fragment visited once. */
class SelectionWalk {
  readonly fields = new Set<string>();
  readonly deviceIds: string[] = [];
  readonly unnamed = new Set<string>();
  readonly #visited = new Set<string>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    readonly variables: Record<string, unknown>,
    readonly device: GraphQLNamedType | undefined,
    readonly root: GraphQLObjectType | undefined,
  ) {}

  visit(set: SelectionSetNode, parent: GraphQLCompositeType): void {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // Introspection (`__typename`, `__schema`, `__type`) holds no device data.
        if (name.startsWith('__') || isUnionType(parent)) continue;
        const field = parent.getFields()[name];
        if (!field) continue;
        if (this.#isDevice(parent)) this.fields.add(name);
        const type = getNamedType(field.type);
        if (this.#isDevice(type)) this.#devicesOf(parent, field, selection);
        if (selection.selectionSet && isCompositeType(type))
          this.visit(selection.selectionSet, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? this.schema.getType(selection.typeCondition.name.value)
          : parent;
        if (type && isCompositeType(type)) this.visit(selection.selectionSet, type);
      } else if (!this.#visited.has(selection.name.value)) {
        this.#visited.add(selection.name.value);
        const fragment = this.fragments.get(selection.name.value);
        const type = fragment ? this.schema.getType(fragment.typeCondition.name.value) : undefined;
        if (fragment && type && isCompositeType(type)) this.visit(fragment.selectionSet, type);
      }
    }
  }

  /** True for `Device` and for interfaces and unions that a device can be. */
  #isDevice(type: GraphQLNamedType): boolean {
    if (!this.device) return false;
    if (type === this.device) return true;
    return (
      isAbstractType(type) && isObjectType(this.device) && this.schema.isSubType(type, this.device)
    );
  }

  /** The devices a field returning devices names: the `ID` values of its arguments, as coerced. */
  #devicesOf(
    parent: GraphQLCompositeType,
    field: GraphQLField<unknown, unknown>,
    node: Parameters<typeof getArgumentValues>[1],
  ): void {
    const coordinate = `${parent.name}.${field.name}`;
    if (parent !== this.root || !field.args.some((a) => holdsIds(a.type, new Set()))) {
      this.unnamed.add(coordinate);
      return;
    }
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(field, node, this.variables);
    } catch (error) {
      throw badInput(error);
    }
    for (const argument of field.args)
      collectIds(values[argument.name], argument.type, this.deviceIds);
  }
}

/** The operation's root type (a query's is `Query`). */
function rootType(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
): GraphQLObjectType | undefined {
  return schema.getRootType(operation.operation) ?? undefined;
}

/** True when an input type can carry an `ID` somewhere inside it. */
function holdsIds(type: GraphQLInputType, seen: Set<string>): boolean {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return holdsIds(nullable.ofType, seen);
  if (isScalarType(nullable)) return nullable.name === 'ID';
  if (!isInputObjectType(nullable) || seen.has(nullable.name)) return false;
  seen.add(nullable.name);
  return Object.values(nullable.getFields()).some((f) => holdsIds(f.type, seen));
}

/** Adds every `ID` in a coerced input value to `into`, through lists and input objects. */
function collectIds(value: unknown, type: GraphQLInputType, into: string[]): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) for (const item of value) collectIds(item, nullable.ofType, into);
  } else if (isScalarType(nullable)) {
    if (nullable.name === 'ID' && typeof value === 'string') into.push(value);
  } else if (isInputObjectType(nullable) && typeof value === 'object') {
    for (const [name, field] of Object.entries(nullable.getFields()))
      collectIds((value as Record<string, unknown>)[name], field.type, into);
  }
}

function badInput(error: unknown): GridmarkError {
  const message =
    error instanceof GraphQLError || error instanceof Error
      ? error.message
      : "The operation's variables or arguments are invalid.";
  return new GridmarkError('BAD_INPUT', message, { cause: error });
}
