import { Kind, parse } from 'graphql';
import type { ConfiguredField } from './system-config-schema.js';

/** How a column's value becomes a field's value. */
export type ValueShape = 'json' | 'int' | 'float' | 'boolean' | 'string' | 'as-is';

/**
 * The shape of each field's values, from its GraphQL type and the extra typeDefs: list and object
 * types are parsed from JSON text (unless `json: false`), numbers and booleans made what GraphQL
 * serializes. The value a system commits to must be the value it serves: a PostgreSQL `numeric`
 * arrives as the string "12.5" but is served as 12.5, so it is made 12.5 before either happens.
 */
export function valueShapes(
  fields: readonly ConfiguredField[],
  typeDefs: string | undefined,
): ReadonlyMap<string, ValueShape> {
  const objectTypes = new Set<string>();
  const enums = new Set<string>();
  if (typeDefs?.trim()) {
    for (const definition of parse(typeDefs).definitions) {
      if (
        definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
        definition.kind === Kind.UNION_TYPE_DEFINITION
      )
        objectTypes.add(definition.name.value);
      if (definition.kind === Kind.ENUM_TYPE_DEFINITION) enums.add(definition.name.value);
    }
  }
  return new Map(fields.map((field) => [field.name, shapeOf(field, objectTypes, enums)] as const));
}

function shapeOf(
  field: ConfiguredField,
  objectTypes: ReadonlySet<string>,
  enums: ReadonlySet<string>,
): ValueShape {
  const isList = field.type.includes('[');
  const named = field.type.replace(/[[\]!\s]/g, '');
  if (field.json ?? (isList || objectTypes.has(named))) return 'json';
  if (isList) return 'as-is';
  if (named === 'Int') return 'int';
  if (named === 'Float') return 'float';
  if (named === 'Boolean') return 'boolean';
  if (named === 'String' || named === 'ID' || enums.has(named)) return 'string';
  return 'as-is';
}

/** A column's value made the field's; `null` for a missing one. */
export function shapeValue(shape: ValueShape, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (shape) {
    case 'json':
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    case 'int':
    case 'float':
      return typeof value === 'string' || typeof value === 'bigint' ? toNumber(value) : value;
    case 'boolean':
      return typeof value === 'number' || typeof value === 'bigint'
        ? Number(value) !== 0
        : typeof value === 'string'
          ? ['t', 'true', '1', 'yes'].includes(value.toLowerCase())
          : value;
    case 'string':
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
    default:
      return value;
  }
}

function toNumber(value: string | bigint): number | string {
  const number = Number(value);
  return Number.isFinite(number) ? number : String(value);
}
