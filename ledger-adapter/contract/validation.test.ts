import { describe, expect, it } from 'vitest';
import { isValidIdentifier } from '../../schema/index.js';
import { ContractError, parseContractMessage } from './contract-error.js';
import {
  expectDeviceId,
  expectFen,
  expectFieldCode,
  expectObject,
  parseArgument,
  systemOfFieldCode,
} from './validation.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ContractError ? error.code : 'not a ContractError';
  }
}

describe('contract input checks', () => {
  it('accepts exactly the device identifiers schema/identifier.ts accepts', () => {
    const samples = [
      '88.1001.1/PVM-000123',
      '88.1/a',
      '88/x',
      '088.1/x',
      '88.1/-x',
      '88.1/x y',
      `88.1/${'a'.repeat(128)}`,
      `88.1/${'a'.repeat(129)}`,
      '1.2.3.4.5.6.7.8/x',
      '1.2.3.4.5.6.7.8.9/x',
      '',
      '88.1001.1/PVM:1.2_3',
    ];
    for (const sample of samples)
      expect(codeOf(() => expectDeviceId(sample)) === undefined, sample).toBe(
        isValidIdentifier(sample),
      );
  });

  it('reads the owning system from a field code', () => {
    expect(systemOfFieldCode('88.1001.3.F0002')).toBe('88.1001.3');
    expect(codeOf(() => expectFieldCode('88.1001.3.F12'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => expectFieldCode('88.1001.3.f0002'))).toBe('INVALID_ARGUMENT');
  });

  it('takes amounts in whole fen only', () => {
    expect(expectFen(0, 'fee')).toBe(0);
    expect(codeOf(() => expectFen(-1, 'fee'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => expectFen(0.5, 'fee'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => expectFen('5', 'fee'))).toBe('INVALID_ARGUMENT');
  });

  it('refuses unknown and missing members and non-JSON arguments', () => {
    expect(codeOf(() => expectObject({ a: 1, b: 2 }, 'arg', ['a']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => expectObject({}, 'arg', ['a']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => expectObject([], 'arg', []))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseArgument('{', 'arg'))).toBe('INVALID_ARGUMENT');
  });

  it('finds the contract code in a message a transport wrapped', () => {
    expect(
      parseContractMessage(
        '10 ABORTED: failed to endorse transaction, chaincode response 500, [NO_RULE] no parsing rule for APP-1',
      ),
    ).toEqual({ code: 'NO_RULE', reason: 'no parsing rule for APP-1' });
    expect(parseContractMessage('[NOT_A_CODE] x')).toBeUndefined();
    expect(parseContractMessage('connection refused')).toBeUndefined();
  });
});
