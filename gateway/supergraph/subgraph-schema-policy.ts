import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type SchemaExtensionNode,
  type TypeNode,
} from 'graphql';
import { GridmarkError, RESERVED_DEVICE_FIELDS } from '../../schema/index.js';
import {
  FEDERATION_SPEC_URL,
  LINK_SPEC_URL,
  definitionName,
  federationBoilerplate,
} from './federation-boilerplate.js';

/** The rule a business system's schema broke; stable, for clients and logs. */
export type SchemaPolicyRule =
  /** A field of `Query`, `Mutation` or `Subscription`: only the aggregator serves root fields. */
  | 'root-field'
  /** A directive other than `@key` on `Device` and `@deprecated` (`@override`, `@requires`, ...). */
  | 'directive'
  /** A second entity: `@key` on a type other than `Device`. */
  | 'entity-type'
  /** `Device` without exactly `@key(fields: "id")` and `id: ID!`. */
  | 'device-key'
  /** `Device.id`, `Device.kind` or `Device.heldBy`: the aggregator's own. */
  | 'reserved-field'
  /** A `Device` field another business system registered. */
  | 'field-owned-elsewhere'
  /** A type another subgraph declares. */
  | 'type-owned-elsewhere'
  /** A field whose type is neither a built-in scalar nor one of the system's own types. */
  | 'field-type'
  /** A field with arguments. */
  | 'field-arguments'
  /** An interface, union, input or scalar, or a type implementing an interface. */
  | 'type-kind'
  /** A type whose name does not carry the system's prefix. */
  | 'type-prefix'
  /** `extend type ...`: a system declares its types, it does not extend others'. */
  | 'type-extension'
  /** `schema { ... }` or an operation type in `extend schema`. */
  | 'schema-definition'
  /** A `@link` other than the federation spec with `import: ["@key"]` (and the link spec). */
  | 'federation-link'
  /** A directive definition that is not federation's own, as `@apollo/subgraph` prints it. */
  | 'directive-definition'
  /** Federation boilerplate (`_Service`, `_Entity`, ...) other than `@apollo/subgraph` prints it. */
  | 'federation-boilerplate'
  /** An operation or fragment in an SDL, or an SDL that does not parse. */
  | 'not-a-schema';

/** One element of a schema that the policy refuses. */
export interface SchemaPolicyViolation {
  /** The offending element: `Query.secrets`, `Device.model @override`, `OmThing`, `schema @link`. */
  readonly element: string;
  readonly rule: SchemaPolicyRule;
  /** Why, in words. */
  readonly reason: string;
}

/** What the policy needs to know of one business system and of the others. */
export interface SchemaPolicySubject {
  /** The system's subgraph name; its own types carry its PascalCase prefix (`om` → `OmMaintenanceRecord`). */
  readonly subgraphName: string;
  /** `Device` fields that belong to someone else (registered by another system, or the aggregator's), with their owner. */
  readonly fieldsOwnedElsewhere: ReadonlyMap<string, string>;
  /** Type names other subgraphs declare, with the subgraph that declares them. */
  readonly typesOwnedElsewhere: ReadonlyMap<string, string>;
}

/** A business system's schema asks for more than its own `Device` fields: `details` name the first element and rule. */
export class SchemaPolicyViolationError extends GridmarkError {
  override readonly name = 'SchemaPolicyViolationError';
  readonly violations: readonly SchemaPolicyViolation[];

  constructor(subgraphName: string, violations: readonly SchemaPolicyViolation[]) {
    const first = violations[0] ?? { element: 'schema', rule: 'not-a-schema', reason: 'refused' };
    const list = violations.map((v) => `${v.element} (${v.rule}): ${v.reason}`).join('; ');
    super('SCHEMA_POLICY_VIOLATION', `The schema of "${subgraphName}" is refused: ${list}`, {
      details: { subgraph: subgraphName, element: first.element, rule: first.rule },
    });
    this.violations = violations;
  }
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);
/** Rules in the order their violations are reported: what grants a power first, form last. */
const RULE_ORDER: readonly SchemaPolicyRule[] = [
  'root-field',
  'directive',
  'entity-type',
  'field-owned-elsewhere',
  'reserved-field',
  'type-owned-elsewhere',
  'field-type',
  'type-kind',
  'device-key',
  'field-arguments',
  'type-prefix',
  'type-extension',
  'schema-definition',
  'federation-link',
  'directive-definition',
  'federation-boilerplate',
  'not-a-schema',
];

/**
 * The PascalCase prefix of a system's own type names: `om` → `Om`, `plant-monitor` → `PlantMonitor`.
 */
export function typePrefixOf(subgraphName: string): string {
  return subgraphName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Checks a business system's subgraph SDL against the schema policy: a business system shares
 * its own fields of `Device` and gains no power over anything else. Allowed are exactly
 * `type Device @key(fields: "id")` with `id: ID!` and the system's fields (no arguments, built-in
 * scalar or own types, `@deprecated` at most), the system's own object and enum types (named with
 * its prefix, declared by no other subgraph), one `@link` to {@link FEDERATION_SPEC_URL} importing
 * `@key`, and the federation boilerplate exactly as `@apollo/subgraph` prints it in `_service { sdl }`.
 * Everything else is refused: root fields, other entities, `@override`, `@requires`,
 * `@external`, `@provides`, `@shareable`, `@interfaceObject`, `@composeDirective` and any other
 * directive, interfaces, unions, inputs, type extensions, fields or types someone else owns.
 *
 * @returns the violations, most powerful first; empty when the schema is within the policy.
 */
export function checkSubgraphSchema(
  sdl: string | DocumentNode,
  subject: SchemaPolicySubject,
): readonly SchemaPolicyViolation[] {
  let document: DocumentNode;
  try {
    document = typeof sdl === 'string' ? parse(sdl) : sdl;
  } catch (error) {
    return [
      {
        element: 'schema',
        rule: 'not-a-schema',
        reason: `the SDL does not parse: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
  const check = new SchemaCheck(subject, document);
  for (const definition of document.definitions) check.definition(definition);
  check.finish();
  return check.violations();
}

/**
 * Checks a schema and throws when it breaks the policy.
 *
 * @throws SchemaPolicyViolationError (`SCHEMA_POLICY_VIOLATION`) naming every offending element.
 */
export function requireSubgraphSchema(
  sdl: string | DocumentNode,
  subject: SchemaPolicySubject,
): void {
  const violations = checkSubgraphSchema(sdl, subject);
  if (violations.length > 0) throw new SchemaPolicyViolationError(subject.subgraphName, violations);
}

/** One pass over one SDL document. */
class SchemaCheck {
  readonly #subject: SchemaPolicySubject;
  readonly #prefix: string;
  readonly #ownTypes: ReadonlySet<string>;
  readonly #found: SchemaPolicyViolation[] = [];
  #devices = 0;
  #federationLinks = 0;

  constructor(subject: SchemaPolicySubject, document: DocumentNode) {
    this.#subject = subject;
    this.#prefix = typePrefixOf(subject.subgraphName);
    const own = new Set<string>();
    for (const definition of document.definitions) {
      const name = definitionName(definition);
      if (
        (definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
          definition.kind === Kind.ENUM_TYPE_DEFINITION) &&
        name !== undefined &&
        this.#hasPrefix(name)
      )
        own.add(name);
    }
    this.#ownTypes = own;
  }

  violations(): readonly SchemaPolicyViolation[] {
    return [...this.#found].sort((a, b) => RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule));
  }

  #refuse(element: string, rule: SchemaPolicyRule, reason: string): void {
    this.#found.push({ element, rule, reason });
  }

  #hasPrefix(name: string): boolean {
    return name.length > this.#prefix.length && name.startsWith(this.#prefix);
  }

  definition(definition: DefinitionNode): void {
    const name = definitionName(definition) ?? '';
    const boilerplate = federationBoilerplate().definitions.get(name);
    switch (definition.kind) {
      case Kind.SCHEMA_DEFINITION:
        return this.#refuse(
          'schema',
          'schema-definition',
          "a subgraph may not define its schema's root operation types",
        );
      case Kind.SCHEMA_EXTENSION:
        return this.#schemaExtension(definition);
      case Kind.DIRECTIVE_DEFINITION:
        if (boilerplate !== print(definition))
          this.#refuse(
            `directive @${name}`,
            'directive-definition',
            'only the federation directives, as @apollo/subgraph prints them, may be defined',
          );
        return;
      case Kind.OBJECT_TYPE_DEFINITION:
        if (name === 'Device') return this.#device(definition);
        if (ROOT_TYPES.has(name))
          return this.#rootType(name, definition.fields ?? [], definition.directives ?? []);
        if (boilerplate !== undefined) return this.#boilerplate(name, definition, boilerplate);
        return this.#ownType(definition);
      case Kind.ENUM_TYPE_DEFINITION:
        if (boilerplate !== undefined) return this.#boilerplate(name, definition, boilerplate);
        return this.#ownType(definition);
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        if (boilerplate !== undefined) return this.#boilerplate(name, definition, boilerplate);
        return this.#refuse(
          name,
          'type-kind',
          'a business system declares object and enum types only (no interfaces, unions, inputs or scalars)',
        );
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        if (ROOT_TYPES.has(name))
          return this.#rootType(name, definition.fields ?? [], definition.directives ?? []);
        return this.#refuse(
          name,
          'type-extension',
          `"extend type ${name}" is refused: a system declares its own types and Device, it does not extend others`,
        );
      case Kind.ENUM_TYPE_EXTENSION:
      case Kind.SCALAR_TYPE_EXTENSION:
      case Kind.UNION_TYPE_EXTENSION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        return this.#refuse(
          name,
          'type-extension',
          `"extend ${name}" is refused: a system declares its own types, it does not extend others`,
        );
      default:
        return this.#refuse(
          name || definition.kind,
          'not-a-schema',
          'an SDL holds type definitions only, no operations or fragments',
        );
    }
  }

  finish(): void {
    if (this.#devices === 0)
      this.#refuse(
        'Device',
        'device-key',
        'the schema must declare type Device @key(fields: "id") with the system\'s fields',
      );
    if (this.#federationLinks !== 1)
      this.#refuse(
        'schema @link',
        'federation-link',
        `the schema must link ${FEDERATION_SPEC_URL} exactly once (extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"]))`,
      );
  }

  #schemaExtension(extension: SchemaExtensionNode): void {
    if ((extension.operationTypes ?? []).length > 0)
      this.#refuse(
        'schema',
        'schema-definition',
        'a subgraph may not name its root operation types',
      );
    for (const directive of extension.directives ?? []) {
      if (directive.name.value !== 'link') {
        this.#refuse(
          `schema @${directive.name.value}`,
          'directive',
          `@${directive.name.value} on the schema is refused (only @link to the federation spec)`,
        );
        continue;
      }
      this.#link(directive);
    }
  }

  #link(directive: ConstDirectiveNode): void {
    const args = new Map((directive.arguments ?? []).map((a) => [a.name.value, a.value]));
    const url = args.get('url');
    const urlText = url?.kind === Kind.STRING ? url.value : undefined;
    if (urlText === LINK_SPEC_URL && args.size === 1) return;
    const element = `schema @link(url: ${JSON.stringify(urlText ?? '?')})`;
    if (urlText !== FEDERATION_SPEC_URL)
      return this.#refuse(
        element,
        'federation-link',
        `only ${FEDERATION_SPEC_URL} (and ${LINK_SPEC_URL}) may be linked`,
      );
    this.#federationLinks++;
    const imports = args.get('import');
    const importsKeyOnly =
      imports?.kind === Kind.LIST &&
      imports.values.length === 1 &&
      imports.values[0]?.kind === Kind.STRING &&
      imports.values[0].value === '@key';
    if (args.size !== 2 || !importsKeyOnly)
      this.#refuse(
        element,
        'federation-link',
        'the federation link imports exactly ["@key"], with no other argument',
      );
  }

  #rootType(
    name: string,
    fields: readonly FieldDefinitionNode[],
    directives: readonly ConstDirectiveNode[],
  ): void {
    const allowed = federationBoilerplate().queryFields;
    for (const directive of directives)
      this.#refuse(
        `${name} @${directive.name.value}`,
        'directive',
        `@${directive.name.value} on a root type is refused`,
      );
    for (const field of fields) {
      const printed = name === 'Query' ? allowed.get(field.name.value) : undefined;
      if (printed === undefined)
        this.#refuse(
          `${name}.${field.name.value}`,
          'root-field',
          'only the aggregator serves root fields; a business system shares fields of Device',
        );
      else if (printed !== print(field))
        this.#refuse(
          `${name}.${field.name.value}`,
          'federation-boilerplate',
          'differs from the field @apollo/subgraph adds',
        );
    }
  }

  #boilerplate(name: string, definition: DefinitionNode, printed: string): void {
    if (print(definition) !== printed)
      this.#refuse(
        name,
        'federation-boilerplate',
        'differs from the definition @apollo/subgraph prints',
      );
  }

  #device(device: ObjectTypeDefinitionNode): void {
    this.#devices++;
    if (this.#devices > 1)
      return this.#refuse('Device', 'device-key', 'Device is declared more than once');
    for (const implemented of device.interfaces ?? [])
      this.#refuse(
        `Device implements ${implemented.name.value}`,
        'type-kind',
        'Device implements no interface',
      );
    const keys = (device.directives ?? []).filter((d) => d.name.value === 'key');
    for (const directive of device.directives ?? []) {
      if (directive.name.value !== 'key')
        this.#refuse(
          `Device @${directive.name.value}`,
          'directive',
          `@${directive.name.value} on Device is refused`,
        );
    }
    const keyIsId = (d: ConstDirectiveNode): boolean =>
      d.arguments?.length === 1 &&
      d.arguments[0]?.name.value === 'fields' &&
      d.arguments[0].value.kind === Kind.STRING &&
      d.arguments[0].value.value === 'id';
    if (keys.length !== 1 || !keys.every(keyIsId))
      this.#refuse('Device @key', 'device-key', 'Device has exactly one key: @key(fields: "id")');
    const id = device.fields?.find((f) => f.name.value === 'id');
    if (
      !id ||
      print(id.type) !== 'ID!' ||
      (id.arguments ?? []).length > 0 ||
      (id.directives ?? []).length > 0
    ) {
      this.#refuse('Device.id', 'device-key', 'Device.id is the key: "id: ID!", nothing more');
    }
    for (const field of device.fields ?? [])
      if (field.name.value !== 'id') this.#field(`Device.${field.name.value}`, field, true);
  }

  #field(coordinate: string, field: FieldDefinitionNode, onDevice: boolean): void {
    for (const directive of field.directives ?? []) {
      if (directive.name.value !== 'deprecated')
        this.#refuse(
          `${coordinate} @${directive.name.value}`,
          'directive',
          `@${directive.name.value} is refused: a system serves its own fields and reaches no other`,
        );
    }
    if ((field.arguments ?? []).length > 0)
      this.#refuse(coordinate, 'field-arguments', 'a shared field takes no arguments');
    const name = field.name.value;
    if (onDevice && RESERVED_DEVICE_FIELDS.has(name))
      this.#refuse(
        coordinate,
        'reserved-field',
        `Device.${name} belongs to the aggregator's device catalog`,
      );
    const owner = onDevice ? this.#subject.fieldsOwnedElsewhere.get(name) : undefined;
    if (owner !== undefined && !RESERVED_DEVICE_FIELDS.has(name))
      this.#refuse(coordinate, 'field-owned-elsewhere', `Device.${name} is owned by ${owner}`);
    const type = namedType(field.type);
    if (!BUILT_IN_SCALARS.has(type) && !this.#ownTypes.has(type)) {
      this.#refuse(
        coordinate,
        'field-type',
        `its type ${type} is neither a built-in scalar nor a ${this.#prefix}… type of this system`,
      );
    }
  }

  #ownType(definition: ObjectTypeDefinitionNode | EnumTypeDefinitionNode): void {
    const name = definition.name.value;
    if (!this.#hasPrefix(name))
      this.#refuse(
        name,
        'type-prefix',
        `a system's own type names start with its prefix ${this.#prefix}`,
      );
    const owner = this.#subject.typesOwnedElsewhere.get(name);
    if (owner !== undefined)
      this.#refuse(name, 'type-owned-elsewhere', `${name} is declared by ${owner}`);
    for (const directive of definition.directives ?? []) {
      const entity = directive.name.value === 'key' || directive.name.value === 'federation__key';
      this.#refuse(
        `${name} @${directive.name.value}`,
        entity ? 'entity-type' : 'directive',
        entity ? 'Device is the one entity' : `@${directive.name.value} on a type is refused`,
      );
    }
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      for (const value of definition.values ?? []) {
        for (const directive of value.directives ?? []) {
          if (directive.name.value !== 'deprecated')
            this.#refuse(
              `${name}.${value.name.value} @${directive.name.value}`,
              'directive',
              `@${directive.name.value} is refused`,
            );
        }
      }
      return;
    }
    for (const implemented of definition.interfaces ?? [])
      this.#refuse(
        `${name} implements ${implemented.name.value}`,
        'type-kind',
        "a system's types implement no interface",
      );
    for (const field of definition.fields ?? [])
      this.#field(`${name}.${field.name.value}`, field, false);
  }
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
