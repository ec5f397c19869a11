import { ContractError } from './contract-error.js';
import type { FieldRecord } from './records.js';
import {
  expectArray,
  expectCommitment,
  expectDeviceId,
  expectFieldCode,
  expectObject,
  expectSystemCode,
  expectUnique,
  systemOfFieldCode,
} from './validation.js';

/** One field commitment of a batch. */
export interface CommitmentInput {
  readonly deviceId: string;
  readonly fieldCode: string;
  readonly commitment: string;
}

/** The argument of `AnchorCommitments`. */
export interface AnchorCommitmentsInput {
  readonly systemCode: string;
  readonly commitments: readonly CommitmentInput[];
  /**
   * True when the system vouches for these values from its own write path: only then may a
   * commitment replace the anchor of a field whose change policy is `refuse`.
   */
  readonly vouched?: boolean;
}

/** The most commitments one batch, or one `GetAnchors` call, may carry. */
export const MAX_COMMITMENTS_PER_CALL = 10_000;

/**
 * Checks an `AnchorCommitments` argument: a system anchors only its own fields, and each
 * (device, field) at most once per batch.
 *
 * @throws ContractError INVALID_ARGUMENT, FIELD_NOT_OWNED
 */
export function parseAnchorCommitments(value: unknown): AnchorCommitmentsInput {
  const input = expectObject(
    value,
    'AnchorCommitments argument',
    ['systemCode', 'commitments'],
    ['vouched'],
  );
  const systemCode = expectSystemCode(input['systemCode']);
  const commitments = expectArray(
    input['commitments'],
    'commitments',
    MAX_COMMITMENTS_PER_CALL,
  ).map((item, i) => {
    const c = expectObject(item, `commitments[${i}]`, ['deviceId', 'fieldCode', 'commitment']);
    const fieldCode = expectFieldCode(c['fieldCode'], `commitments[${i}].fieldCode`);
    if (systemOfFieldCode(fieldCode) !== systemCode) {
      throw new ContractError(
        'FIELD_NOT_OWNED',
        `field ${fieldCode} does not belong to system ${systemCode}`,
      );
    }
    return {
      deviceId: expectDeviceId(c['deviceId'], `commitments[${i}].deviceId`),
      fieldCode,
      commitment: expectCommitment(c['commitment'], `commitments[${i}].commitment`),
    };
  });
  expectUnique(commitments, 'commitments', (c) => `${c.deviceId} ${c.fieldCode}`);
  const vouched = input['vouched'];
  if (vouched !== undefined && typeof vouched !== 'boolean')
    throw new ContractError('INVALID_ARGUMENT', 'vouched must be true or false');
  return vouched === true ? { systemCode, commitments, vouched } : { systemCode, commitments };
}

/**
 * Checks that a batch replaces no anchor it may not: an anchored value of a field whose change
 * policy is `refuse` changes only when the system vouches for it, so a value its system lost
 * track of (and may have been edited behind its back) is never anchored again as if it were new.
 * `previousVersion` is the version of the anchor replaced, 0 when there is none.
 *
 * @throws ContractError NOT_VOUCHED
 */
export function requireVouchedReplacement(
  input: AnchorCommitmentsInput,
  commitment: CommitmentInput,
  previousVersion: number,
  field: FieldRecord | undefined,
): void {
  if (previousVersion === 0 || input.vouched === true || field?.changePolicy !== 'refuse') return;
  throw new ContractError(
    'NOT_VOUCHED',
    `field ${commitment.fieldCode} of ${commitment.deviceId} is anchored (version ${previousVersion}) and its change policy is refuse: only a change the system vouches for replaces the anchor`,
  );
}

/** Checks a `GetAnchors` argument: `[[deviceId, fieldCode], ...]`. @throws ContractError INVALID_ARGUMENT */
export function parseAnchorKeys(value: unknown): [deviceId: string, fieldCode: string][] {
  return expectArray(value, 'GetAnchors argument', MAX_COMMITMENTS_PER_CALL, true).map(
    (item, i) => {
      if (!Array.isArray(item) || item.length !== 2)
        throw new ContractError(
          'INVALID_ARGUMENT',
          `GetAnchors argument[${i}] must be [deviceId, fieldCode]`,
        );
      return [
        expectDeviceId(item[0], `GetAnchors argument[${i}][0]`),
        expectFieldCode(item[1], `GetAnchors argument[${i}][1]`),
      ];
    },
  );
}
