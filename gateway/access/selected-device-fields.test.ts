import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectDeviceFields } from './selected-device-fields.js';

function select(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  const result = selectDeviceFields(document, operation, variables);
  return { fields: [...result.fields].sort(), deviceIds: result.deviceIds };
}

describe('selectDeviceFields', () => {
  it('finds fields behind aliases, fragments, inline fragments and nesting', () => {
    const result = select(`
      query ($ids: [ID!]!) {
        a: device(id: "88.1001.1/PVI-000001") { power: outputPowerW ...Maker }
        devices(ids: $ids) { ... on Device { maintenanceRecords { fault } } ...Deep }
      }
      fragment Maker on Device { model }
      fragment Deep on Device { ... on Device { assetStatus } }
    `, { ids: ['88.1001.1/PVM-000001', 'not an id'] });
    expect(result).toEqual({ fields: ['assetStatus', 'maintenanceRecords', 'model', 'outputPowerW'], deviceIds: ['88.1001.1/PVI-000001', '88.1001.1/PVM-000001'] });
  });

  it('counts fields under @skip and @include as selected', () => {
    expect(select('query ($no: Boolean!) { device(id: "88.1/A-1") { model @skip(if: $no) } }', { no: true }).fields).toEqual(['model']);
  });

  it('ignores introspection and survives fragment cycles', () => {
    expect(select('{ __schema { types { name } } }')).toEqual({ fields: [], deviceIds: [] });
    expect(select('{ device(id: "88.1/A-1") { ...A } } fragment A on Device { model ...B } fragment B on Device { brand ...A }').fields).toEqual(['brand', 'model']);
  });
});
