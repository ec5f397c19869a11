import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { isValidIdentifier } from '../../schema/index.js';

/** The `Device` fields an operation selects and the devices it asks for. */
export interface DeviceSelection {
  /** Field names selected on `Device`, through fragments, aliases and nesting (top-level names only). */
  readonly fields: ReadonlySet<string>;
  /** Well-formed identifiers named in `device(id:)` and `devices(ids:)`, variables resolved. */
  readonly deviceIds: readonly string[];
}

const ROOTS = new Set(['device', 'devices']);

/**
 * Works out, before anything is fetched, every `Device` field an operation selects and every
 * device it names. Fields under `@skip`/`@include` count as selected: the check errs towards
 * refusing.
 */
export function selectDeviceFields(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): DeviceSelection {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fields = new Set<string>();
  const deviceIds: string[] = [];

  const collectDevice = (set: SelectionSetNode, seen: Set<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collectDevice(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collectDevice(fragment.selectionSet, seen);
      }
    }
  };
  const collectRoot = (set: SelectionSetNode, seen: Set<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!ROOTS.has(selection.name.value) || !selection.selectionSet) continue;
        for (const argument of selection.arguments ?? []) {
          if (argument.name.value === 'id' || argument.name.value === 'ids') deviceIds.push(...strings(valueOf(argument.value, variables)));
        }
        collectDevice(selection.selectionSet, new Set());
      } else if (selection.kind === Kind.INLINE_FRAGMENT) collectRoot(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collectRoot(fragment.selectionSet, seen);
      }
    }
  };
  collectRoot(operation.selectionSet, new Set());
  return { fields, deviceIds: [...new Set(deviceIds.filter(isValidIdentifier))] };
}

function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.STRING:
      return node.value;
    case Kind.LIST:
      return node.values.map((v) => valueOf(v, variables));
    default:
      return undefined;
  }
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
