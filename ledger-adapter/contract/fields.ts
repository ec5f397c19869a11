import { ContractError } from './contract-error.js';
import { FIELD_CHANGE_POLICIES, type FieldChangePolicy, type FieldRecord } from './records.js';
import {
  expectArray,
  expectCoordinate,
  expectFen,
  expectFieldCode,
  expectObject,
  expectSystemCode,
  expectUnique,
  systemOfFieldCode,
} from './validation.js';

/** The argument of `RegisterFields`. */
export interface RegisterFieldsInput {
  readonly systemCode: string;
  readonly fields: readonly {
    readonly fieldCode: string;
    readonly coordinate: string;
    readonly feeFen: number;
    readonly changePolicy?: FieldChangePolicy;
  }[];
}

/** The most fields one `RegisterFields` call may carry. */
export const MAX_FIELDS_PER_CALL = 1000;

/**
 * Checks a `RegisterFields` argument: every field code belongs to the named system.
 *
 * @throws ContractError INVALID_ARGUMENT, FIELD_NOT_OWNED
 */
export function parseRegisterFields(value: unknown): RegisterFieldsInput {
  const input = expectObject(value, 'RegisterFields argument', ['systemCode', 'fields']);
  const systemCode = expectSystemCode(input['systemCode']);
  const fields = expectArray(input['fields'], 'fields', MAX_FIELDS_PER_CALL).map((item, i) => {
    const field = expectObject(
      item,
      `fields[${i}]`,
      ['fieldCode', 'coordinate', 'feeFen'],
      ['changePolicy'],
    );
    const fieldCode = expectFieldCode(field['fieldCode'], `fields[${i}].fieldCode`);
    if (systemOfFieldCode(fieldCode) !== systemCode) {
      throw new ContractError(
        'FIELD_NOT_OWNED',
        `field ${fieldCode} does not belong to system ${systemCode}`,
      );
    }
    const parsed = {
      fieldCode,
      coordinate: expectCoordinate(field['coordinate'], `fields[${i}].coordinate`),
      feeFen: expectFen(field['feeFen'], `fields[${i}].feeFen`),
    };
    return field['changePolicy'] === undefined
      ? parsed
      : {
          ...parsed,
          changePolicy: expectChangePolicy(field['changePolicy'], `fields[${i}].changePolicy`),
        };
  });
  expectUnique(fields, 'fields', (f) => f.fieldCode);
  expectUnique(fields, 'fields', (f) => f.coordinate);
  return { systemCode, fields };
}

/**
 * The field record to store: a re-registration keeps the first registration time, and the change
 * policy when it names none (a client that does not know policies cannot lift one).
 */
export function buildField(
  systemCode: string,
  field: RegisterFieldsInput['fields'][number],
  previous: FieldRecord | undefined,
  at: string,
): FieldRecord {
  const changePolicy = field.changePolicy ?? previous?.changePolicy;
  const record = {
    fieldCode: field.fieldCode,
    systemCode,
    coordinate: field.coordinate,
    feeFen: field.feeFen,
    registeredAt: previous?.registeredAt ?? at,
  };
  return changePolicy === undefined ? record : { ...record, changePolicy };
}

function expectChangePolicy(value: unknown, what: string): FieldChangePolicy {
  if (typeof value === 'string' && (FIELD_CHANGE_POLICIES as readonly string[]).includes(value))
    return value as FieldChangePolicy;
  throw new ContractError(
    'INVALID_ARGUMENT',
    `${what} must be ${FIELD_CHANGE_POLICIES.join(' or ')}`,
  );
}

/**
 * Checks that each field code is registered and belongs to `systemCode`.
 *
 * @throws ContractError UNKNOWN_FIELD, FIELD_NOT_OWNED
 */
export function requireOwnedFields(
  systemCode: string,
  fieldCodes: readonly string[],
  fields: ReadonlyMap<string, FieldRecord | undefined>,
): FieldRecord[] {
  return fieldCodes.map((code) => {
    const field = fields.get(code);
    if (!field) throw new ContractError('UNKNOWN_FIELD', `field ${code} is not registered`);
    if (field.systemCode !== systemCode)
      throw new ContractError(
        'FIELD_NOT_OWNED',
        `field ${code} belongs to system ${field.systemCode}, not ${systemCode}`,
      );
    return field;
  });
}
