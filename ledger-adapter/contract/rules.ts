import { ContractError } from './contract-error.js';
import type { FieldRecord, ParsingRule } from './records.js';
import {
  expectApplicationId,
  expectArray,
  expectFieldCode,
  expectFunctionName,
  expectObject,
  expectRole,
  expectUnique,
} from './validation.js';

/** Which rule: application, function and role. */
export interface RuleKey {
  readonly applicationId: string;
  readonly function: string;
  readonly role: string;
}

/** The argument of `PutParsingRule`. */
export interface PutParsingRuleInput extends RuleKey {
  readonly fieldCodes: readonly string[];
}

/** @throws ContractError INVALID_ARGUMENT */
export function parseRuleKey(value: unknown, what = 'GetParsingRule argument'): RuleKey {
  const input = expectObject(value, what, ['applicationId', 'function', 'role']);
  return {
    applicationId: expectApplicationId(input['applicationId']),
    function: expectFunctionName(input['function']),
    role: expectRole(input['role']),
  };
}

/** @throws ContractError INVALID_ARGUMENT */
export function parsePutParsingRule(value: unknown): PutParsingRuleInput {
  const input = expectObject(value, 'PutParsingRule argument', [
    'applicationId',
    'function',
    'role',
    'fieldCodes',
  ]);
  const fieldCodes = expectArray(input['fieldCodes'], 'fieldCodes', 256).map((code, i) =>
    expectFieldCode(code, `fieldCodes[${i}]`),
  );
  expectUnique(fieldCodes, 'fieldCodes', (c) => c);
  return {
    applicationId: expectApplicationId(input['applicationId']),
    function: expectFunctionName(input['function']),
    role: expectRole(input['role']),
    fieldCodes,
  };
}

/**
 * The rule to store; the field codes keep the order given (the order a resolution lists them in).
 *
 * @throws ContractError UNKNOWN_FIELD
 */
export function buildRule(
  input: PutParsingRuleInput,
  fields: ReadonlyMap<string, FieldRecord | undefined>,
  txId: string,
  at: string,
): ParsingRule {
  for (const code of input.fieldCodes) {
    if (!fields.get(code))
      throw new ContractError('UNKNOWN_FIELD', `field ${code} is not registered`);
  }
  return {
    applicationId: input.applicationId,
    function: input.function,
    role: input.role,
    fieldCodes: [...input.fieldCodes],
    updatedAt: at,
    txId,
  };
}

/** The rule that applies to a role: its own, else the one for every role (`*`), else undefined. */
export function chooseRule(
  forRole: ParsingRule | undefined,
  forEveryRole: ParsingRule | undefined,
): ParsingRule | undefined {
  return forRole ?? forEveryRole;
}
