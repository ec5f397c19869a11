import { describe, expect, it } from 'vitest';
import { entitiesQuery, readDeviceSchema } from './device-schema.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Device @key(fields: "id") {
  id: ID!
  model: String
  records: [OmRecord!]
}
type OmRecord { time: String! part: OmPart fault: OmFault }
type OmPart { code: String! count: Int }
enum OmFault { ARC GRID }
`;

describe("reading a system's SDL", () => {
  it("selects every Device field, with the leaves of the system's own object types", () => {
    const schema = readDeviceSchema(SDL);
    expect(schema?.fields).toEqual([
      { name: 'model', selection: 'model', object: false },
      {
        name: 'records',
        selection: 'records { time part { code count } fault }',
        object: true,
      },
    ]);
    expect(entitiesQuery(schema?.fields ?? [])).toBe(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Device { __typename id model records { time part { code count } fault } } } }',
    );
  });

  it('reads nothing from an SDL that does not parse or has no Device', () => {
    expect(readDeviceSchema('type {')).toBeNull();
    expect(readDeviceSchema('type Thing { id: ID! }')).toBeNull();
  });
});
