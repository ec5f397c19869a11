import {
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { GridmarkError } from '../../schema/index.js';

/** The request an application sent: the query text, its variables, the operation it named. */
export interface OperationRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

/** What one response key of a selection stands for: the field it selects and what was selected inside it. */
export interface SelectedKey {
  /** The field's name (the key itself, or what the alias stands for). */
  readonly name: string;
  /** The sub-selection; for a field selected without one, an empty map. */
  readonly keys: ResponseKeys;
  /** For the root fields `device(id:)` and `devices(ids:)`: the identifiers asked for, in order. */
  readonly deviceIds?: readonly unknown[];
}

/**
 * How the keys of one object in a response map to fields: `selected` when the query is known,
 * `unknown` when it is not, and each key can only be read as a field name.
 */
export type ResponseKeys =
  | { readonly kind: 'selected'; readonly keys: ReadonlyMap<string, SelectedKey> }
  | { readonly kind: 'unknown' };

/** Keys read as field names: a response saved without its query. */
export const UNKNOWN_KEYS: ResponseKeys = { kind: 'unknown' };

/**
 * Reads an operation's response keys, so that a response's `data` can be read field by field:
 * aliases resolved, fragments and inline fragments merged, the devices each root field asks for
 * (variables and their defaults resolved).
 *
 * @throws GridmarkError `BAD_INPUT` when the query does not parse or does not name one operation.
 * @example operationKeys({ query: '{ d: device(id: "88.1/A") { m: model } }' }) // d -> device, m -> model
 */
export function operationKeys(request: OperationRequest): ResponseKeys {
  let operation: OperationDefinitionNode | undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  try {
    const document = parse(request.query, { maxTokens: 100_000 });
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    operation =
      request.operationName === undefined
        ? operations.length === 1
          ? operations[0]
          : undefined
        : operations.find((o) => o.name?.value === request.operationName);
  } catch (cause) {
    throw new GridmarkError(
      'BAD_INPUT',
      `the query does not parse: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (!operation)
    throw new GridmarkError(
      'BAD_INPUT',
      request.operationName === undefined
        ? 'the query holds several operations: name the one sent (operationName).'
        : `the query has no operation named ${request.operationName}.`,
    );
  const variables = { ...defaultsOf(operation), ...request.variables };
  return keysOf([operation.selectionSet], { fragments, variables, root: true });
}

/**
 * The keys of selection sets that land on one object (of a subgraph's request, say), read as
 * {@link operationKeys} reads those below the root: aliases resolved, fragments merged.
 */
export function selectionKeys(
  sets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): ResponseKeys {
  return keysOf(sets, { fragments, variables: {}, root: false });
}

interface Reading {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly root: boolean;
}

/** The keys of the selection sets that land on one object, merged as the executor merges them. */
function keysOf(sets: readonly SelectionSetNode[], reading: Reading): ResponseKeys {
  const byKey = new Map<string, FieldNode[]>();
  const collect = (set: SelectionSetNode, seen: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        byKey.set(key, [...(byKey.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = reading.fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  for (const set of sets) collect(set, new Set());
  const keys = new Map<string, SelectedKey>();
  for (const [key, fields] of byKey) {
    const first = fields[0] as FieldNode;
    const name = first.name.value;
    const inner = fields.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
    const sub = keysOf(inner, { ...reading, root: false });
    const ids = reading.root ? deviceIdsOf(first, reading.variables) : undefined;
    keys.set(key, ids === undefined ? { name, keys: sub } : { name, keys: sub, deviceIds: ids });
  }
  return { kind: 'selected', keys };
}

/** The identifiers `device(id:)` or `devices(ids:)` asks for (a single value stands for a list of one). */
function deviceIdsOf(
  field: FieldNode,
  variables: Readonly<Record<string, unknown>>,
): readonly unknown[] | undefined {
  const argument =
    field.name.value === 'device' ? 'id' : field.name.value === 'devices' ? 'ids' : undefined;
  const node = field.arguments?.find((a) => a.name.value === argument)?.value;
  if (!node) return undefined;
  const value = valueOf(node, variables);
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

function defaultsOf(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      defaults[definition.variable.name.value] = valueOf(definition.defaultValue, {});
  }
  return defaults;
}

function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return Object.hasOwn(variables, node.name.value) ? variables[node.name.value] : undefined;
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map((v) => valueOf(v, variables));
    default:
      return undefined;
  }
}
