import type { LedgerAdapter } from '../../ledger-adapter/index.js';
import { commitReceivedField } from '../../schema/index.js';
import { checkHeldValues, type HeldCheck } from './held-value-check.js';
import { readHeldValues } from './held-values.js';
import { UNKNOWN_KEYS, operationKeys, type OperationRequest } from './operation-keys.js';
import { readReceipt, type ReceivedValue } from './receipt.js';

/** The two ledger reads a re-check needs: a ledger adapter has them, and so does the registry API. */
export type LedgerEvidenceReader = Pick<LedgerAdapter, 'getAnchors' | 'getResolution'>;

/** The outcome of re-checking one field of a saved response. */
export interface FieldRecheck {
  readonly device: string;
  readonly field: string;
  /** PROVEN: value and salt give the commitment the ledger holds for that anchor; SUPERSEDED: the ledger has anchored a newer version since, so its current anchor no longer speaks for this value (the anchoring transaction `anchorTxId` holds the commitment); MISMATCH: they do not match; MISSING: no such anchor. */
  readonly outcome: 'PROVEN' | 'SUPERSEDED' | 'MISMATCH' | 'MISSING';
  readonly anchorTxId: string | null;
}

/** What `gridmark verify` reports. */
export interface ResponseRecheck {
  readonly resolutionId: string | null;
  /** Whether the ledger holds the resolution the response names. */
  readonly resolutionRecorded: boolean;
  /** The receipt's verified values against the ledger. */
  readonly fields: readonly FieldRecheck[];
  /** The values `data` holds against the receipt. */
  readonly data: HeldCheck;
  /** True when the resolution is recorded, every verified receipt value is PROVEN or SUPERSEDED, and every value in `data` is its receipt's. */
  readonly ok: boolean;
}

/** Options of {@link recheckResponse}. */
export interface RecheckOptions {
  /**
   * The request the application sent. Without it, each key in `data` is read as a field name,
   * and a key that is not (an alias) is reported UNCHECKED.
   */
  readonly request?: OperationRequest;
}

/**
 * Re-checks a response saved by an application against the ledger: the resolution it names is
 * recorded; each value the receipt states, with the salt its owner revealed, hashes to the
 * commitment that was anchored; and each value `data` holds is the receipt's value for that device
 * and field (or a selection of it), so the application can prove later what it received.
 *
 * @throws GridmarkError `BAD_INPUT` when `options.request` does not parse or name one operation.
 * @example const report = await recheckResponse(JSON.parse(saved), ledger, { request: { query } }); if (!report.ok) ...
 */
export async function recheckResponse(
  response: unknown,
  ledger: LedgerEvidenceReader,
  options: RecheckOptions = {},
): Promise<ResponseRecheck> {
  const saved = (response ?? {}) as {
    data?: unknown;
    extensions?: { gridmark?: { resolution?: { id?: string } | null } };
  };
  const keys = options.request ? operationKeys(options.request) : UNKNOWN_KEYS;
  const gridmark = saved.extensions?.gridmark;
  const receipt = readReceipt(gridmark);
  const devices = new Set(receipt.map((r) => r.device));
  const data = checkHeldValues(
    readHeldValues(saved.data, {
      keys,
      soleDevice: devices.size === 1 ? ([...devices][0] ?? null) : null,
    }),
    receipt,
    options.request !== undefined,
  );
  const resolutionId = gridmark?.resolution?.id ?? null;
  const resolutionRecorded =
    resolutionId !== null && (await ledger.getResolution(resolutionId)) !== null;
  const fields = await proveReceipt(receipt, ledger);
  const ok =
    resolutionRecorded &&
    fields.every((f) => f.outcome === 'PROVEN' || f.outcome === 'SUPERSEDED') &&
    data.findings.length === 0;
  return { resolutionId, resolutionRecorded, fields, data, ok };
}

/** Each VERIFIED receipt value against its anchor on the ledger. */
async function proveReceipt(
  receipt: readonly ReceivedValue[],
  ledger: LedgerEvidenceReader,
): Promise<FieldRecheck[]> {
  // Only VERIFIED values were vouched for by an anchor; UNVERIFIED ones were released as such.
  const released = receipt.filter((f) => f.status === 'VERIFIED');
  const anchors =
    released.length === 0
      ? []
      : await ledger.getAnchors(released.map((f) => [f.device, f.fieldCode] as const));
  return released.map((f, i): FieldRecheck => {
    const anchor = anchors[i] ?? null;
    const recorded = f.anchor;
    if (!anchor || !recorded || f.salt === null)
      return { device: f.device, field: f.field, outcome: 'MISSING', anchorTxId: null };
    const commitment = commitReceivedField({
      deviceId: f.device,
      fieldCode: f.fieldCode,
      salt: f.salt,
      value: f.value ?? null,
    });
    // The value and salt give the commitment; the ledger's current anchor is either the very
    // anchor the response names, or a later version that superseded it. (Receipts of the earlier
    // format also state the commitment, which must then agree.)
    if (
      commitment === undefined ||
      (recorded.commitment !== undefined && commitment !== recorded.commitment)
    )
      return { device: f.device, field: f.field, outcome: 'MISMATCH', anchorTxId: recorded.txId };
    if (anchor.txId === recorded.txId)
      return {
        device: f.device,
        field: f.field,
        outcome: anchor.commitment === commitment ? 'PROVEN' : 'MISMATCH',
        anchorTxId: anchor.txId,
      };
    return {
      device: f.device,
      field: f.field,
      outcome: anchor.version > recorded.version ? 'SUPERSEDED' : 'MISMATCH',
      anchorTxId: recorded.txId,
    };
  });
}
