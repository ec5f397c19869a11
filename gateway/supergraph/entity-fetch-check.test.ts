import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { createEntityFetchCheck } from './entity-fetch-check.js';

const OWNED: ReadonlySet<string> = new Set(['maintenanceRecords', 'omState']);
const KEYS = {
  representations: [
    { __typename: 'Device', id: '88.1/INV-1' },
    { __typename: 'Device', id: '88.1/INV-2' },
  ],
};
const ENTITIES = (selection: string) =>
  `query Q__om__1($representations:[_Any!]!){_entities(representations:$representations){...on Device{${selection}}}}`;

function refusal(run: () => void): GridmarkError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  }
  throw new Error('expected a refusal');
}

describe('the entity fetch check', () => {
  const check = createEntityFetchCheck({ system: 'om' });

  it("passes _entities on Device with the system's own fields, through fragments and @include", () => {
    expect(() =>
      check.check(ENTITIES('__typename id omState maintenanceRecords{time fault}'), KEYS, OWNED),
    ).not.toThrow();
    const viaFragment =
      'query($representations:[_Any!]!,$on:Boolean!){_entities(representations:$representations){__typename ...D}} fragment D on Device{omState@include(if:$on) ...{maintenanceRecords{time}}}';
    expect(() => check.check(viaFragment, { ...KEYS, on: true }, OWNED)).not.toThrow();
    expect(() =>
      check.check('query __ApolloServiceHealthCheck__ { __typename }', undefined, OWNED),
    ).not.toThrow();
  });

  it('refuses a field the system does not own, naming it and the system', () => {
    const error = refusal(() => check.check(ENTITIES('omState model'), KEYS, OWNED));
    expect(error.code).toBe('SUBGRAPH_FETCH_REFUSED');
    expect(error.details).toMatchObject({ system: 'om' });
    expect(error.details['reason']).toContain('Device.model');
  });

  it('refuses root fields, other types, mutations and other directives', () => {
    const refused = [
      '{ secrets }',
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Device{omState}} secrets}',
      'query($representations:[_Any!]!){_entities(representations:$representations){...on OmThing{x}}}',
      'mutation($representations:[_Any!]!){_entities(representations:$representations){...on Device{omState}}}',
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Device{omState@tap}}}',
      'query{_entities(representations:[{__typename:"Device",id:"x"}]){...on Device{omState}}}',
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Device{omState}}} query B{__typename}',
      'not graphql',
    ];
    for (const query of refused)
      expect(refusal(() => check.check(query, KEYS, OWNED)).code, query).toBe(
        'SUBGRAPH_FETCH_REFUSED',
      );
  });

  it('refuses representations that carry more than the Device key', () => {
    const smuggled = {
      representations: [{ __typename: 'Device', id: '88.1/INV-1', model: 'SG-110CX' }],
    };
    expect(
      refusal(() => check.check(ENTITIES('omState'), smuggled, OWNED)).details['reason'],
    ).toContain('more than the Device key');
    expect(
      refusal(() =>
        check.check(
          ENTITIES('omState'),
          { representations: [{ __typename: 'OmThing', id: 'x' }] },
          OWNED,
        ),
      ).code,
    ).toBe('SUBGRAPH_FETCH_REFUSED');
    expect(refusal(() => check.check(ENTITIES('omState'), {}, OWNED)).code).toBe(
      'SUBGRAPH_FETCH_REFUSED',
    );
  });

  it('follows a change of the owned fields without forgetting the parsed operation', () => {
    const query = ENTITIES('omState');
    expect(() => check.check(query, KEYS, OWNED)).not.toThrow();
    expect(refusal(() => check.check(query, KEYS, new Set(['maintenanceRecords']))).code).toBe(
      'SUBGRAPH_FETCH_REFUSED',
    );
  });

  it('costs microseconds per request once an operation text is known', () => {
    const query = ENTITIES('__typename omState maintenanceRecords{time fault technician remedy}');
    const representations = {
      representations: Array.from({ length: 50 }, (_, i) => ({
        __typename: 'Device',
        id: `88.1/INV-${i}`,
      })),
    };
    check.check(query, representations, OWNED);
    const rounds = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) check.check(query, representations, OWNED);
    const perRequestUs = Number(process.hrtime.bigint() - started) / rounds / 1_000;
    // Printed for the record; the bound is loose so that a busy machine does not fail the test.
    process.stdout.write(
      `entity fetch check: ${perRequestUs.toFixed(2)} µs per request of 50 devices\n`,
    );
    expect(perRequestUs).toBeLessThan(200);
  });
});
