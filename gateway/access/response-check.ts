import type { Anchor, LedgerAdapter, ReportTamperInput } from '../../ledger-adapter/index.js';
import type { CommitmentMemo } from './commitment-memo.js';
import type { FieldDirectory } from './field-directory.js';
import type { SelectedKey } from './operation-keys.js';
import type { RequestAccess } from './request-access.js';

/** A subgraph response as the gateway receives it. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly Record<string, unknown>[];
  extensions?: Record<string, unknown>;
}

/**
 * Why a value is withheld as `UNVERIFIABLE` (`extensions.reason`): a field not asked of the system,
 * a value without a proof, a ledger that did not answer, a value with no anchor, or a value of a
 * (device, field) that the query's resolution does not cover.
 */
export type UnverifiableReason =
  'NOT_ASKED' | 'NO_PROOF' | 'LEDGER_UNAVAILABLE' | 'NO_ANCHOR' | 'NOT_IN_RESOLUTION';

/** A detected tampering, for the ledger's record (as the contract's `ReportTamper` takes it) and the system's credit. */
export type TamperFinding = ReportTamperInput;

/** Options of `verifyEntities`. */
export interface VerifyOptions {
  readonly response: SubgraphResponse;
  /**
   * What each response key of the fetch's `Device` selection stands for: the field's name, and the
   * keys inside an object field (aliases resolved at every level; see `entityFieldKeys`).
   */
  readonly fieldKeys: ReadonlyMap<string, SelectedKey>;
  readonly representations: readonly { readonly id?: unknown }[];
  readonly subgraph: string;
  readonly access: RequestAccess;
  readonly fields: FieldDirectory;
  readonly ledger: LedgerAdapter;
  /** Where served values are hashed (and scalar values already checked are remembered). */
  readonly commitments: CommitmentMemo;
  readonly onTamper: (finding: TamperFinding) => void;
  /**
   * Called once per response in which the system served values it did not vouch for (no proof,
   * or no anchor on the ledger): a failed verification that is the system's doing, not the ledger's.
   */
  readonly onUnproven?: (finding: {
    readonly systemCode: string;
    readonly fieldCodes: readonly string[];
  }) => void;
}

/** What one response's check has found so far. */
export interface ResponseCheck {
  readonly options: VerifyOptions;
  readonly entities: unknown[];
  readonly errors: Record<string, unknown>[];
  /** Field codes the system served without a proof or an anchor. */
  readonly unproven: Set<string>;
  unprovenSystem: string;
}

/** A value a system served: where it sits in the response, and the field it is a value of. */
export interface ServedValue {
  readonly index: number;
  readonly deviceId: string;
  /** The key in the subgraph's response (an alias, or the field name). */
  readonly key: string;
  /** The field's code; empty for a field the directory does not know. */
  readonly fieldCode: string;
  readonly systemCode: string;
}

/** A withheld value's verification, less its device and field. */
interface Withheld {
  readonly status: 'TAMPERED' | 'UNVERIFIABLE';
  readonly anchor: Anchor | null;
  readonly salt: string | null;
  /** Why an `UNVERIFIABLE` value is withheld. */
  readonly reason?: UnverifiableReason;
}

/** A value the system served without vouching for it (no proof, or no anchor): the system's doing. */
export function markUnproven(check: ResponseCheck, value: ServedValue): void {
  check.unproven.add(value.fieldCode);
  check.unprovenSystem = value.systemCode;
}

/** Withholds a value that could not be checked, for `reason`. */
export function withholdUnverifiable(
  check: ResponseCheck,
  value: ServedValue,
  reason: UnverifiableReason,
  message: string,
  salt: string | null = null,
): void {
  withhold(check, value, { status: 'UNVERIFIABLE', anchor: null, salt, reason }, message);
}

/**
 * Nulls a value in the response, records its verification and adds its error. Verifications are
 * built field by field, never by spreading a partial record and adding to it: V8 (Node 20) makes
 * each such literal a slow runtime call, and there may be one per value.
 */
export function withhold(
  check: ResponseCheck,
  value: ServedValue,
  record: Withheld,
  message: string,
): void {
  const { options } = check;
  const { index, deviceId, key } = value;
  const field = options.fieldKeys.get(key)?.name ?? key;
  (check.entities[index] as Record<string, unknown>)[key] = null;
  options.access.verifications.push({
    device: deviceId,
    field,
    fieldCode: value.fieldCode,
    system: value.systemCode,
    status: record.status,
    anchor: record.anchor,
    salt: record.salt,
  });
  const extensions: Record<string, unknown> = {
    code: record.status,
    device: deviceId,
    field,
    system: options.subgraph,
    systemCode: value.systemCode,
  };
  if (record.reason !== undefined) extensions['reason'] = record.reason;
  check.errors.push({ message, path: ['_entities', index, key], extensions });
}
