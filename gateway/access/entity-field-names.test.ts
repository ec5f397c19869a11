import { describe, expect, it } from 'vitest';
import { entityFieldNames } from './entity-field-names.js';

describe('entityFieldNames', () => {
  it('maps the response keys of the Device selection to field names, aliases resolved', () => {
    const query = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Device { __typename id power: outputPowerW model } } }';
    expect([...entityFieldNames(query)]).toEqual([['__typename', '__typename'], ['id', 'id'], ['power', 'outputPowerW'], ['model', 'model']]);
  });

  it('ignores selections outside the Device fragment', () => {
    expect([...entityFieldNames('{ _entities(representations: []) { ... on Other { model } } }')]).toEqual([]);
  });
});
