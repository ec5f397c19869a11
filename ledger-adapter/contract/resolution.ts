import type { RuleKey } from './rules.js';
import { parseRuleKey } from './rules.js';
import type { CatalogEntry, FieldRecord, ParsingRule, Resolution, ResolvedField } from './records.js';
import { expectArray, expectDeviceId, expectObject, expectUnique } from './validation.js';
import { ContractError } from './contract-error.js';

/** The argument of `Resolve`. */
export interface ResolveInput extends RuleKey {
  readonly deviceIds: readonly string[];
}

/** The most devices one resolution may cover. */
export const MAX_DEVICES_PER_RESOLUTION = 500;

/** @throws ContractError INVALID_ARGUMENT */
export function parseResolve(value: unknown): ResolveInput {
  const input = expectObject(value, 'Resolve argument', ['applicationId', 'function', 'role', 'deviceIds']);
  const key = parseRuleKey({ applicationId: input['applicationId'], function: input['function'], role: input['role'] }, 'Resolve argument');
  const deviceIds = expectArray(input['deviceIds'], 'deviceIds', MAX_DEVICES_PER_RESOLUTION).map((id, i) => expectDeviceId(id, `deviceIds[${i}]`));
  expectUnique(deviceIds, 'deviceIds', (id) => id);
  return { ...key, deviceIds };
}

/**
 * Resolves each device against a rule: the rule's fields (in the rule's order) that the catalog
 * says some system holds for the device, with that system and the field's fee standard. A device
 * the catalog does not know yields no fields.
 *
 * @throws ContractError NO_RULE when `rule` is undefined
 */
export function buildResolution(
  input: ResolveInput,
  rule: ParsingRule | undefined,
  entries: ReadonlyMap<string, CatalogEntry | undefined>,
  fields: ReadonlyMap<string, FieldRecord | undefined>,
  txId: string,
  at: string,
): Resolution {
  if (!rule) {
    throw new ContractError('NO_RULE', `no parsing rule for ${input.applicationId} function ${input.function} role ${input.role} (nor for every role)`);
  }
  let totalFeeFen = 0;
  const devices = input.deviceIds.map((deviceId) => {
    const holderOf = new Map<string, string>();
    for (const holding of entries.get(deviceId)?.holdings ?? []) {
      for (const code of holding.fieldCodes) holderOf.set(code, holding.systemCode);
    }
    const resolved: ResolvedField[] = [];
    for (const code of rule.fieldCodes) {
      const systemCode = holderOf.get(code);
      const field = fields.get(code);
      if (systemCode === undefined || !field) continue;
      resolved.push({ fieldCode: code, systemCode, coordinate: field.coordinate, feeFen: field.feeFen });
      totalFeeFen += field.feeFen;
    }
    return { deviceId, fields: resolved };
  });
  return { resolutionId: txId, applicationId: input.applicationId, function: input.function, role: input.role, resolvedAt: at, devices, totalFeeFen };
}
