import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { defineSubgraph } from '../../subgraphs/index.js';
import { CATALOG_SDL } from '../catalog/index.js';
import { serviceSdl } from './federation-boilerplate.js';
import { policySubject } from './schema-ownership.js';
import {
  checkSubgraphSchema,
  requireSubgraphSchema,
  SchemaPolicyViolationError,
  typePrefixOf,
  type SchemaPolicySubject,
} from './subgraph-schema-policy.js';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const device = (fields: string, extra = ''): string =>
  `${LINK}\ntype Device @key(fields: "id") { id: ID! ${fields} }\n${extra}`;
const subject = (subgraphName = 'om', owned: Record<string, string> = {}): SchemaPolicySubject =>
  policySubject(subgraphName, [
    { name: 'catalog', sdl: CATALOG_SDL },
    { name: 'maker', registeredFields: Object.keys(owned) },
  ]);
const firstOf = (sdl: string, of = subject('om', { model: 'maker' })) =>
  checkSubgraphSchema(sdl, of)[0];

/** What `_service { sdl }` answers for an SDL, as a business system built on @apollo/subgraph would serve it. */
function served(sdl: string): string {
  return serviceSdl(buildSubgraphSchema({ typeDefs: parse(sdl) }));
}

describe('the subgraph schema policy', () => {
  it("names a system's types with its PascalCase prefix", () => {
    expect(typePrefixOf('om')).toBe('Om');
    expect(typePrefixOf('plant-monitor')).toBe('PlantMonitor');
  });

  it('accepts what the subgraph kit serves, boilerplate and own types included', () => {
    const kit = defineSubgraph({
      name: 'om',
      title: 'O&M',
      fields: [
        { name: 'maintenanceRecords', type: '[OmMaintenanceRecord!]', description: 'Work orders.' },
        { name: 'omState', type: 'OmState!', description: 'State.' },
      ],
      typeDefs:
        'type OmMaintenanceRecord { time: String! fault: String @deprecated(reason: "old") }\nenum OmState { OPEN CLOSED }',
      loadDevices: () => Promise.resolve(new Map()),
    });
    expect(checkSubgraphSchema(kit.sdl, subject())).toEqual([]);
    expect(checkSubgraphSchema(serviceSdl(kit.schema), subject())).toEqual([]);
  });

  it('refuses root fields however they are declared', () => {
    expect(firstOf(device('x: Int', 'type Query { secrets: String }'))).toMatchObject({
      element: 'Query.secrets',
      rule: 'root-field',
    });
    expect(firstOf(device('x: Int', 'extend type Query { secrets: String }'))).toMatchObject({
      element: 'Query.secrets',
      rule: 'root-field',
    });
    expect(firstOf(device('x: Int', 'type Mutation { wipe: Boolean }'))).toMatchObject({
      element: 'Mutation.wipe',
      rule: 'root-field',
    });
    expect(firstOf(device('x: Int', 'type Subscription { tap: String }'))).toMatchObject({
      element: 'Subscription.tap',
      rule: 'root-field',
    });
    const renamed = checkSubgraphSchema(
      device('x: Int', 'schema { query: OmRoot }\ntype OmRoot { secrets: String }'),
      subject(),
    );
    expect(renamed).toContainEqual(
      expect.objectContaining({ element: 'schema', rule: 'schema-definition' }),
    );
    expect(
      checkSubgraphSchema(served(device('x: Int', 'type Query { secrets: String }')), subject())[0],
    ).toMatchObject({ element: 'Query.secrets', rule: 'root-field' });
  });

  it('refuses federation directives that reach other systems, imported or namespaced', () => {
    const imports = (names: string) =>
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", ${names}])`;
    const cases: [string, string][] = [
      [
        `${imports('"@override"')}\ntype Device @key(fields: "id") { id: ID! model: String @override(from: "maker") }`,
        'Device.model @override',
      ],
      [
        device('model: String @federation__override(from: "maker")'),
        'Device.model @federation__override',
      ],
      [
        `${imports('"@external", "@requires"')}\ntype Device @key(fields: "id") { id: ID! model: String @external copy: String @requires(fields: "model") }`,
        'Device.model @external',
      ],
      [
        device('twin: OmTwin @federation__provides(fields: "x")', 'type OmTwin { x: Int }'),
        'Device.twin @federation__provides',
      ],
      [device('x: Int @federation__shareable'), 'Device.x @federation__shareable'],
      [
        `${LINK}\ntype Device @key(fields: "id") @federation__interfaceObject { id: ID! x: Int }`,
        'Device @federation__interfaceObject',
      ],
      [
        `${imports('"@composeDirective"')} @link(url: "https://hostile.example/steal/v1.0", import: ["@steal"]) @composeDirective(name: "@steal")\ndirective @steal on FIELD_DEFINITION\ntype Device @key(fields: "id") { id: ID! x: Int }`,
        'schema @composeDirective',
      ],
    ];
    for (const [sdl, element] of cases)
      expect(firstOf(sdl), element).toMatchObject({ element, rule: 'directive' });
  });

  it('refuses fields another system or the aggregator owns, and other entities', () => {
    expect(firstOf(device('model: String'))).toMatchObject({
      element: 'Device.model',
      rule: 'field-owned-elsewhere',
    });
    expect(firstOf(device('heldBy: [String!]!'))).toMatchObject({
      element: 'Device.heldBy',
      rule: 'reserved-field',
    });
    expect(firstOf(device('x: Int', 'type OmThing @key(fields: "id") { id: ID! }'))).toMatchObject({
      element: 'OmThing @key',
      rule: 'entity-type',
    });
    expect(
      firstOf(device('x: Int', 'type Device @key(fields: "id") { id: ID! y: Int }')),
    ).toMatchObject({ element: 'Device', rule: 'device-key' });
    expect(
      firstOf(device('x: Int').replace('@key(fields: "id")', '@key(fields: "id x")')),
    ).toMatchObject({ element: 'Device @key', rule: 'device-key' });
  });

  it("refuses types that reach beyond the system's own", () => {
    expect(firstOf(device('next: Device'))).toMatchObject({
      element: 'Device.next',
      rule: 'field-type',
    });
    expect(firstOf(device('kindOf: DeviceKind'))).toMatchObject({
      element: 'Device.kindOf',
      rule: 'field-type',
    });
    expect(firstOf(device('x: Int', 'interface OmNode { id: ID! }'))).toMatchObject({
      element: 'OmNode',
      rule: 'type-kind',
    });
    expect(firstOf(device('x: OmAny', 'union OmAny = Device'))).toMatchObject({
      element: 'Device.x',
      rule: 'field-type',
    });
    expect(firstOf(device('x: Int', 'enum DeviceKind { HACKED }'))).toMatchObject({
      element: 'DeviceKind',
      rule: 'type-owned-elsewhere',
    });
    expect(firstOf(device('x: Int', 'enum AssetState { A }'))).toMatchObject({
      element: 'AssetState',
      rule: 'type-prefix',
    });
    expect(firstOf(device('x: Int', 'extend type Device { y: Int }'))).toMatchObject({
      element: 'Device',
      rule: 'type-extension',
    });
    expect(firstOf(device('x(id: ID): Int'))).toMatchObject({
      element: 'Device.x',
      rule: 'field-arguments',
    });
    const taken = policySubject('om', [
      { name: 'om-x', sdl: device('y: OmXState', 'enum OmXState { A }'), registeredFields: ['y'] },
    ]);
    expect(
      checkSubgraphSchema(device('x: OmXState', 'enum OmXState { A B }'), taken)[0],
    ).toMatchObject({ element: 'OmXState', rule: 'type-owned-elsewhere' });
  });

  it('refuses a renamed import, another link or a Federation 1 schema', () => {
    const renamed =
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [{ name: "@override", as: "@key" }])\ntype Device @key(fields: "id") { id: ID! }';
    expect(firstOf(renamed)).toMatchObject({ rule: 'federation-link' });
    expect(firstOf('type Device @key(fields: "id") { id: ID! x: Int }')).toMatchObject({
      element: 'schema @link',
      rule: 'federation-link',
    });
    expect(firstOf(device('x: Int', 'directive @tap on FIELD_DEFINITION'))).toMatchObject({
      element: 'directive @tap',
      rule: 'directive-definition',
    });
    expect(firstOf('type Device {')).toMatchObject({ rule: 'not-a-schema' });
  });

  it('throws SCHEMA_POLICY_VIOLATION naming the first element and rule', () => {
    let caught: unknown;
    try {
      requireSubgraphSchema(device('x: Int', 'type Query { secrets: String }'), subject());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SchemaPolicyViolationError);
    expect(caught).toMatchObject({
      code: 'SCHEMA_POLICY_VIOLATION',
      details: { subgraph: 'om', element: 'Query.secrets', rule: 'root-field' },
    });
    expect((caught as Error).message).toContain('Query.secrets');
  });
});
