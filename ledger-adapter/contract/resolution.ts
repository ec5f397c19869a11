import { parseRuleKey, type RuleKey } from './rules.js';
import type {
  CatalogEntry,
  FieldRecord,
  ParsingRule,
  Resolution,
  ResolvedField,
} from './records.js';
import {
  expectArray,
  expectDeviceId,
  expectObject,
  expectRecordId,
  expectUnique,
} from './validation.js';
import { ContractError } from './contract-error.js';

/** The argument of `Resolve`. */
export interface ResolveInput extends RuleKey {
  readonly deviceIds: readonly string[];
}

/** The most devices one resolution may cover. */
export const MAX_DEVICES_PER_RESOLUTION = 500;

/** @throws ContractError INVALID_ARGUMENT */
export function parseResolve(value: unknown): ResolveInput {
  const input = expectObject(value, 'Resolve argument', [
    'applicationId',
    'function',
    'role',
    'deviceIds',
  ]);
  const key = parseRuleKey(
    { applicationId: input['applicationId'], function: input['function'], role: input['role'] },
    'Resolve argument',
  );
  const deviceIds = expectArray(input['deviceIds'], 'deviceIds', MAX_DEVICES_PER_RESOLUTION).map(
    (id, i) => expectDeviceId(id, `deviceIds[${i}]`),
  );
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
    throw new ContractError(
      'NO_RULE',
      `no parsing rule for ${input.applicationId} function ${input.function} role ${input.role} (nor for every role)`,
    );
  }
  const { devices, totalFeeFen } = resolveDevices(input.deviceIds, rule, entries, fields);
  return {
    resolutionId: txId,
    applicationId: input.applicationId,
    function: input.function,
    role: input.role,
    resolvedAt: at,
    devices,
    totalFeeFen,
  };
}

/** What a rule yields for some devices: the part of a resolution that does not depend on who asked or when. */
export interface ResolvedDevices {
  readonly devices: Resolution['devices'];
  readonly totalFeeFen: number;
}

/** The devices' fields under `rule`, as {@link buildResolution} lists them, and their fees' total. */
export function resolveDevices(
  deviceIds: readonly string[],
  rule: ParsingRule,
  entries: ReadonlyMap<string, CatalogEntry | undefined>,
  fields: ReadonlyMap<string, FieldRecord | undefined>,
): ResolvedDevices {
  let totalFeeFen = 0;
  const devices = deviceIds.map((deviceId) => {
    const entry = entries.get(deviceId);
    const holderOf = entry ? holdersOf(entry) : NO_HOLDERS;
    const resolved: ResolvedField[] = [];
    for (const code of rule.fieldCodes) {
      const systemCode = holderOf.get(code);
      const field = fields.get(code);
      if (systemCode === undefined || !field) continue;
      resolved.push({
        fieldCode: code,
        systemCode,
        coordinate: field.coordinate,
        feeFen: field.feeFen,
      });
      totalFeeFen += field.feeFen;
    }
    return { deviceId, fields: resolved };
  });
  return { devices, totalFeeFen };
}

const NO_HOLDERS: ReadonlyMap<string, string> = new Map();
/** Per catalog entry, which system holds each field code; entries are immutable records, read often from a cache. */
const holderIndexes = new WeakMap<CatalogEntry, ReadonlyMap<string, string>>();

/** Field code to holding system for one catalog entry (the last holding listed wins, as it always has). */
function holdersOf(entry: CatalogEntry): ReadonlyMap<string, string> {
  let index = holderIndexes.get(entry);
  if (!index) {
    const built = new Map<string, string>();
    for (const holding of entry.holdings) {
      for (const code of holding.fieldCodes) built.set(code, holding.systemCode);
    }
    holderIndexes.set(entry, (index = built));
  }
  return index;
}

/** One request of `ResolveBatch`: a resolution whose id the gateway chose in advance. */
export interface BatchedResolveInput extends ResolveInput {
  readonly resolutionId: string;
}

/** The most resolutions one `ResolveBatch` call may record. */
export const MAX_RESOLUTIONS_PER_BATCH = 200;

/** @throws ContractError INVALID_ARGUMENT */
export function parseResolveBatch(value: unknown): {
  readonly requests: readonly BatchedResolveInput[];
} {
  const input = expectObject(value, 'ResolveBatch argument', ['requests']);
  const requests = expectArray(input['requests'], 'requests', MAX_RESOLUTIONS_PER_BATCH).map(
    (item, i) => {
      const request = expectObject(item, `requests[${i}]`, [
        'resolutionId',
        'applicationId',
        'function',
        'role',
        'deviceIds',
      ]);
      const { resolutionId, ...rest } = request;
      return {
        ...parseResolve(rest),
        resolutionId: expectRecordId(resolutionId, `requests[${i}].resolutionId`),
      };
    },
  );
  expectUnique(requests, 'requests', (r) => r.resolutionId);
  return { requests };
}
