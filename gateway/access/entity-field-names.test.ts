import { describe, expect, it } from 'vitest';
import { entityFieldKeys } from './entity-field-names.js';
import type { ResponseKeys } from './operation-keys.js';

/** A response-keys tree as plain data: key -> [field name, what is inside]. */
type Tree = Record<string, [string, Tree]>;
const tree = (keys: ResponseKeys): Tree =>
  keys.kind === 'selected'
    ? Object.fromEntries([...keys.keys].map(([key, s]) => [key, [s.name, tree(s.keys)]]))
    : {};
const entityTree = (query: string): Tree =>
  tree({ kind: 'selected', keys: entityFieldKeys(query) });

describe('entityFieldKeys', () => {
  it('maps the response keys of the Device selection to field names, aliases resolved', () => {
    const query =
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Device { __typename id power: outputPowerW model } } }';
    expect(entityTree(query)).toEqual({
      __typename: ['__typename', {}],
      id: ['id', {}],
      power: ['outputPowerW', {}],
      model: ['model', {}],
    });
  });

  it('maps the keys inside object fields at every level, through named and inline fragments', () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Device { log: events { c: code ...E } ...D }
    } }
    fragment D on Device { maintenanceRecords { t: time parts { n: name } } }
    fragment E on ScadaEvent { __typename at ... on ScadaEvent { remark: note } }`;
    expect(entityTree(query)).toEqual({
      log: [
        'events',
        { c: ['code', {}], __typename: ['__typename', {}], at: ['at', {}], remark: ['note', {}] },
      ],
      maintenanceRecords: [
        'maintenanceRecords',
        { t: ['time', {}], parts: ['parts', { n: ['name', {}] }] },
      ],
    });
  });

  it('merges one key selected twice, as the executor does', () => {
    const query =
      '{ _entities(representations: []) { ... on Device { ev: events { c: code } } ... on Device { ev: events { n: note } } } }';
    expect(entityTree(query)).toEqual({ ev: ['events', { c: ['code', {}], n: ['note', {}] }] });
  });

  it('ignores selections outside the Device fragment', () => {
    expect(entityTree('{ _entities(representations: []) { ... on Other { model } } }')).toEqual({});
  });
});
