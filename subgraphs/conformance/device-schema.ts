import {
  Kind,
  parse,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';

/** One field of `Device` as a system's SDL declares it. */
export interface DeviceField {
  readonly name: string;
  /** The field's selection: its name, with the leaves of its own object types below it. */
  readonly selection: string;
  /** Of an object type (or a list of one): its proof carries the whole value. */
  readonly object: boolean;
}

/** What the checks read of a system's SDL. */
export interface DeviceSchema {
  /** The fields of `Device` other than `id`, in the SDL's order. */
  readonly fields: readonly DeviceField[];
}

/** How deep the checks follow a system's own object types when they select a field. */
const MAX_DEPTH = 6;

/**
 * Reads the `Device` fields of a subgraph SDL.
 *
 * @returns null when the SDL does not parse or declares no `Device` type.
 */
export function readDeviceSchema(sdl: string): DeviceSchema | null {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch {
    return null;
  }
  const objects = new Map<string, ObjectTypeDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION)
      objects.set(definition.name.value, definition);
  }
  const device = objects.get('Device');
  if (!device) return null;
  return {
    fields: (device.fields ?? [])
      .filter((field) => field.name.value !== 'id')
      .map((field) => ({
        name: field.name.value,
        selection: selectionOf(field, objects, 0),
        object: objects.has(namedType(field.type)),
      })),
  };
}

/** The selection `... on Device { __typename id <fields> }` of `fields`. */
export function deviceSelection(fields: readonly DeviceField[]): string {
  return `... on Device { __typename id ${fields.map((f) => f.selection).join(' ')} }`;
}

/** The `_entities` operation the gateway sends, selecting `fields`. */
export function entitiesQuery(fields: readonly DeviceField[]): string {
  return `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${deviceSelection(fields)} } }`;
}

/** The representations of `devices`, as the gateway sends them. */
export function representationsOf(
  devices: readonly string[],
): { __typename: string; id: string }[] {
  return devices.map((id) => ({ __typename: 'Device', id }));
}

function selectionOf(
  field: FieldDefinitionNode,
  objects: ReadonlyMap<string, ObjectTypeDefinitionNode>,
  depth: number,
): string {
  const type = objects.get(namedType(field.type));
  if (!type || depth >= MAX_DEPTH) return field.name.value;
  const inner = (type.fields ?? [])
    .filter((f) => (f.arguments ?? []).length === 0)
    .map((f) => selectionOf(f, objects, depth + 1));
  return inner.length === 0
    ? `${field.name.value} { __typename }`
    : `${field.name.value} { ${inner.join(' ')} }`;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
