import type * as GraphQL from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { selectDeviceFields } from './selected-device-fields.js';

/** graphql-js as the gateway's schema is built with (see selected-device-fields.ts). */
const { Kind, buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** The gateway's API schema in small, with root fields of other shapes that return devices. */
const schema = buildSchema(`
  type Query {
    device(id: ID!): Device
    devices(ids: [ID!]!): [Device]!
    located(where: Where!): [Device!]!
    everything: [Device]
    site(name: String!): Site
  }
  input Where { near: ID, also: [ID!], inner: Inner }
  input Inner { ids: [ID!] = ["88.1001.1/DEF-1"] }
  type Site { name: String! devices: [Device!]! }
  type Device { id: ID! kind: String model: String outputPowerW: Float maintenanceRecords: [Record!] assetStatus: String brand: String }
  type Record { fault: String }
`);

function select(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  const result = selectDeviceFields(schema, document, operation, variables);
  return {
    fields: [...result.fields].sort(),
    deviceIds: [...result.deviceIds].sort(),
    unnamed: result.unnamed,
  };
}

describe('selectDeviceFields', () => {
  it('finds fields behind aliases, fragments, inline fragments and nesting', () => {
    const result = select(
      `
      query ($ids: [ID!]!) {
        a: device(id: "88.1001.1/PVI-000001") { power: outputPowerW ...Maker }
        devices(ids: $ids) { ... on Device { maintenanceRecords { fault } } ...Deep }
      }
      fragment Maker on Device { model }
      fragment Deep on Device { ... on Device { assetStatus } }
    `,
      { ids: ['88.1001.1/PVM-000001', 'not an id'] },
    );
    expect(result).toEqual({
      fields: ['assetStatus', 'maintenanceRecords', 'model', 'outputPowerW'],
      deviceIds: ['88.1001.1/PVI-000001', '88.1001.1/PVM-000001'],
      unnamed: [],
    });
  });

  it("reads a variable's default value, as the executor does", () => {
    expect(
      select('query ($id: ID! = "88.1001.1/INV-1") { device(id: $id) { model } }').deviceIds,
    ).toEqual(['88.1001.1/INV-1']);
    expect(
      select(
        'query ($ids: [ID!]! = ["88.1001.1/INV-1", "88.1001.1/INV-2"]) { devices(ids: $ids) { model } }',
      ).deviceIds,
    ).toEqual(['88.1001.1/INV-1', '88.1001.1/INV-2']);
    // A value sent replaces the default.
    expect(
      select('query ($id: ID! = "88.1001.1/INV-1") { device(id: $id) { model } }', {
        id: '88.1001.1/INV-9',
      }).deviceIds,
    ).toEqual(['88.1001.1/INV-9']);
  });

  it('coerces a single value to a list, from a literal and from a variable', () => {
    expect(select('{ devices(ids: "88.1001.1/INV-1") { model } }').deviceIds).toEqual([
      '88.1001.1/INV-1',
    ]);
    expect(
      select('query ($ids: [ID!]!) { devices(ids: $ids) { model } }', { ids: '88.1001.1/INV-2' })
        .deviceIds,
    ).toEqual(['88.1001.1/INV-2']);
    expect(
      select('query ($id: ID!) { devices(ids: [$id]) { model } }', { id: '88.1001.1/INV-3' })
        .deviceIds,
    ).toEqual(['88.1001.1/INV-3']);
  });

  it('reads every ID in input objects and lists, with input field defaults, of any root field that returns devices', () => {
    const result = select('query ($w: Where!) { located(where: $w) { model } }', {
      w: { near: '88.1001.1/A-1', also: '88.1001.1/A-2' },
    });
    expect(result.deviceIds).toEqual(['88.1001.1/A-1', '88.1001.1/A-2']);
    expect(select('{ located(where: { inner: {} }) { model } }').deviceIds).toEqual([
      '88.1001.1/DEF-1',
    ]);
  });

  it('reads root fields inside fragments on Query', () => {
    const result = select(
      'query ($id: ID! = "88.1001.1/INV-1") { ...Root } fragment Root on Query { ... on Query { device(id: $id) { brand } } }',
    );
    expect(result).toEqual({ fields: ['brand'], deviceIds: ['88.1001.1/INV-1'], unnamed: [] });
  });

  it('names the fields that return devices without naming them', () => {
    expect(
      select('{ everything { model } site(name: "x") { devices { model } } }').unnamed,
    ).toEqual(['Query.everything', 'Site.devices']);
  });

  it('counts fields under @skip and @include as selected, and their devices as named', () => {
    expect(
      select('query ($no: Boolean!) { device(id: "88.1/A-1") { model @skip(if: $no) } }', {
        no: true,
      }).fields,
    ).toEqual(['model']);
    expect(
      select(
        'query ($no: Boolean! = true) { device(id: "88.1001.1/A-1") @skip(if: $no) { model } }',
      ).deviceIds,
    ).toEqual(['88.1001.1/A-1']);
  });

  it('refuses variables that do not coerce, as the executor would', () => {
    expect(() => select('query ($id: ID!) { device(id: $id) { model } }')).toThrow(GridmarkError);
    expect(() =>
      select('query ($id: ID!) { device(id: $id) { model } }', { id: { no: 1 } }),
    ).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('ignores introspection and survives fragment cycles', () => {
    expect(select('{ __schema { types { name } } }')).toEqual({
      fields: [],
      deviceIds: [],
      unnamed: [],
    });
    expect(
      select(
        '{ device(id: "88.1/A-1") { ...A } } fragment A on Device { model ...B } fragment B on Device { brand ...A }',
      ).fields,
    ).toEqual(['brand', 'model']);
  });
});
