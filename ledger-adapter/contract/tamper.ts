import { ContractError } from './contract-error.js';
import type { TamperReport } from './records.js';
import {
  expectCommitment,
  expectDeviceId,
  expectFieldCode,
  expectObject,
  expectRecordId,
  expectSystemCode,
  systemOfFieldCode,
} from './validation.js';

/** The argument of `ReportTamper`. */
export type ReportTamperInput = Omit<TamperReport, 'reportId' | 'reportedAt' | 'reportedBy'>;

/**
 * Checks a `ReportTamper` argument: the field belongs to the named system and the observed
 * commitment differs from the anchored one.
 *
 * @throws ContractError INVALID_ARGUMENT, FIELD_NOT_OWNED
 */
export function parseReportTamper(value: unknown): ReportTamperInput {
  const input = expectObject(value, 'ReportTamper argument', [
    'deviceId',
    'fieldCode',
    'systemCode',
    'anchoredCommitment',
    'observedCommitment',
    'resolutionId',
  ]);
  const systemCode = expectSystemCode(input['systemCode']);
  const fieldCode = expectFieldCode(input['fieldCode']);
  if (systemOfFieldCode(fieldCode) !== systemCode)
    throw new ContractError(
      'FIELD_NOT_OWNED',
      `field ${fieldCode} does not belong to system ${systemCode}`,
    );
  const anchoredCommitment = expectCommitment(input['anchoredCommitment'], 'anchoredCommitment');
  const observedCommitment = expectCommitment(input['observedCommitment'], 'observedCommitment');
  if (anchoredCommitment === observedCommitment)
    throw new ContractError(
      'INVALID_ARGUMENT',
      'observedCommitment equals anchoredCommitment: nothing was tampered with',
    );
  return {
    deviceId: expectDeviceId(input['deviceId']),
    fieldCode,
    systemCode,
    anchoredCommitment,
    observedCommitment,
    resolutionId: expectRecordId(input['resolutionId'], 'resolutionId'),
  };
}

/** @throws ContractError INVALID_ARGUMENT */
export function parseTamperQuery(value: unknown): { systemCode: string } {
  const input = expectObject(value, 'GetTamperReports argument', ['systemCode']);
  return { systemCode: expectSystemCode(input['systemCode']) };
}

/** The report to store; its id is the transaction id. */
export function buildTamperReport(
  input: ReportTamperInput,
  txId: string,
  at: string,
  reportedBy: string,
): TamperReport {
  return { reportId: txId, ...input, reportedAt: at, reportedBy };
}

/** Reports in the order they were made. */
export function sortReports(reports: readonly TamperReport[]): TamperReport[] {
  return [...reports].sort((a, b) =>
    a.reportedAt === b.reportedAt
      ? a.reportId < b.reportId
        ? -1
        : 1
      : a.reportedAt < b.reportedAt
        ? -1
        : 1,
  );
}
