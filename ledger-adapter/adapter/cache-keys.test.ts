import { describe, expect, it } from 'vitest';
import { anchorKey, catalogKey, fieldKey, ruleKey, staleKeysOf } from './cache-keys.js';

describe('staleKeysOf', () => {
  it('names the cache entries each contract event makes stale', () => {
    expect(
      staleKeysOf('CommitmentsAnchored', { systemCode: '88.1', keys: [['88.1/D1', '88.1.F0001']] }),
    ).toEqual([anchorKey('88.1/D1', '88.1.F0001')]);
    expect(
      staleKeysOf('ParsingRuleChanged', { applicationId: 'APP-1', function: 'om', role: '*' }),
    ).toEqual([ruleKey('APP-1', 'om', '*')]);
    expect(
      staleKeysOf('FieldsRegistered', { systemCode: '88.1', fieldCodes: ['88.1.F0001'] }),
    ).toEqual([fieldKey('88.1.F0001')]);
    expect(staleKeysOf('CatalogUpdated', { deviceIds: ['88.1/D1'] })).toEqual([
      catalogKey('88.1/D1'),
    ]);
  });

  it('ignores events that change nothing cached, and malformed payloads', () => {
    expect(staleKeysOf('Resolved', { resolutionId: 'x' })).toEqual([]);
    expect(staleKeysOf('CommitmentsAnchored', { keys: [['only one'], 5, null] })).toEqual([]);
    expect(staleKeysOf('ParsingRuleChanged', undefined)).toEqual([]);
  });
});
