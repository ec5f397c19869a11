import { LocalGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import { CatalogDataSource } from './catalog-data-source.js';
import { createCatalogSchema } from './catalog-subgraph.js';
import { createMemoryDirectory } from './device-directory.js';

const catalog = createCatalogSchema(
  createMemoryDirectory([
    { id: '88.1001.1/PVI-000001', kind: 'INVERTER', heldBy: ['monitoring', 'production'] },
    { id: '88.1001.1/MTR-000001', kind: 'METER', heldBy: ['asset'] },
  ]),
  { maxDevicesPerQuery: 3 },
);

/** What the gateway hands a data source for one subgraph fetch. */
function fetchOf(
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
): GraphQLDataSourceProcessOptions<Record<string, unknown>> {
  return {
    kind: 'incoming operation',
    request: {
      query,
      ...(variables ? { variables } : {}),
      ...(operationName ? { operationName } : {}),
    },
    context: { ...catalog.createContext() },
  } as unknown as GraphQLDataSourceProcessOptions<Record<string, unknown>>;
}

/** Plain JSON, as the gateway serialises it: errors as their JSON form. */
const asJson = (result: unknown): unknown => JSON.parse(JSON.stringify(result));

describe('CatalogDataSource', () => {
  const operations: [string, Record<string, unknown>?, string?][] = [
    ['{ device(id: "88.1001.1/PVI-000001") { id kind heldBy } }'],
    [
      'query D($ids: [ID!]!) { devices(ids: $ids) { id kind } }',
      { ids: ['88.1001.1/MTR-000001', '88.1001.1/XXX-000009'] },
    ],
    ['query D($ids: [ID!]!) { devices(ids: $ids) { id kind } }', { ids: ['88.1001.1/PVI-000001'] }],
    [
      'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Device { kind heldBy } } }',
      { r: [{ __typename: 'Device', id: '88.1001.1/PVI-000001' }] },
    ],
    [
      'query A { device(id: "88.1001.1/MTR-000001") { id } } query B { device(id: "88.1001.1/PVI-000001") { kind } }',
      undefined,
      'B',
    ],
    [
      '{ devices(ids: ["88.1001.1/PVI-000001", "88.1001.1/PVI-000001", "88.1001.1/PVI-000001", "88.1001.1/PVI-000001"]) { id } }',
    ],
    ['{ device(id: "not an identifier") { id } }'],
    ['{ device(id: "88.1001.1/PVI-000001") { id colour } }'],
    ['{ device(id: '],
    [
      'query D($ids: [ID!]!) { devices(ids: $ids) { id } }',
      { ids: 'not a list of ids but a string' },
    ],
    ['query D($ids: [ID!]!) { devices(ids: $ids) { id } }'],
  ];

  it('answers every operation as Apollo’s local data source does, the same text asked again with other variables included', async () => {
    const cached = new CatalogDataSource(catalog.schema);
    const apollo = new LocalGraphQLDataSource(catalog.schema);
    for (const round of [1, 2]) {
      for (const [query, variables, operationName] of operations) {
        const ours = asJson(await cached.process(fetchOf(query, variables, operationName)));
        expect(ours, `round ${round}: ${query} ${JSON.stringify(variables)}`).toEqual(
          asJson(await apollo.process(fetchOf(query, variables, operationName))),
        );
      }
    }
  });

  it('answers from the data each request reads, not from a remembered result', async () => {
    const source = new CatalogDataSource(catalog.schema, { capacity: 1 });
    const query = 'query D($ids: [ID!]!) { devices(ids: $ids) { id kind } }';
    expect(await source.process(fetchOf(query, { ids: ['88.1001.1/MTR-000001'] }))).toEqual({
      data: { devices: [{ id: '88.1001.1/MTR-000001', kind: 'METER' }] },
    });
    expect(await source.process(fetchOf(query, { ids: ['88.1001.1/PVI-000001'] }))).toEqual({
      data: { devices: [{ id: '88.1001.1/PVI-000001', kind: 'INVERTER' }] },
    });
    // A second text pushes the first out of a memory of one; both still answer.
    expect(
      (await source.process(fetchOf('{ device(id: "88.1001.1/PVI-000001") { kind } }'))).data,
    ).toEqual({ device: { kind: 'INVERTER' } });
    expect((await source.process(fetchOf(query, { ids: [] }))).data).toEqual({ devices: [] });
  });

  it('keeps refusing an invalid operation without running it', async () => {
    const source = new CatalogDataSource(catalog.schema);
    for (let i = 0; i < 2; i++) {
      const result = await source.process(
        fetchOf('{ device(id: "88.1001.1/PVI-000001") { id colour } }'),
      );
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((e) => e.message)).toEqual([
        'Cannot query field "colour" on type "Device".',
      ]);
    }
  });
});
