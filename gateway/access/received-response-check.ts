import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import { commitField } from '../../ledger-adapter/commitments/index.js';
import { readReceipt } from './receipt.js';

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
  readonly fields: readonly FieldRecheck[];
  /** True when the resolution is recorded and every released field is PROVEN or SUPERSEDED with a matching commitment. */
  readonly ok: boolean;
}

/**
 * Re-checks a response saved by an application against the ledger: the resolution it names is
 * recorded, and each released value, with the salt its owner revealed, hashes to the commitment
 * that was anchored, so the application can prove later what it received.
 *
 * @example const report = await recheckResponse(JSON.parse(saved), ledger); if (!report.ok) ...
 */
export async function recheckResponse(response: unknown, ledger: LedgerEvidenceReader): Promise<ResponseRecheck> {
  const gridmark = (response as { extensions?: { gridmark?: { resolution?: { id?: string } | null } } } | null)?.extensions?.gridmark;
  const resolutionId = gridmark?.resolution?.id ?? null;
  const resolutionRecorded = resolutionId !== null && (await ledger.getResolution(resolutionId)) !== null;
  // Only VERIFIED values were vouched for by an anchor; UNVERIFIED ones were released as such.
  const released = readReceipt(gridmark).filter((f) => f.status === 'VERIFIED');
  const anchors = released.length === 0 ? [] : await ledger.getAnchors(released.map((f) => [f.device, f.fieldCode] as const));
  const fields = released.map((f, i): FieldRecheck => {
    const anchor = anchors[i] ?? null;
    const recorded = f.anchor;
    if (!anchor || !recorded || f.salt === null) return { device: f.device, field: f.field, outcome: 'MISSING', anchorTxId: null };
    const commitment = commitField({ deviceId: f.device, fieldCode: f.fieldCode, salt: f.salt, value: f.value ?? null });
    // The value and salt give the commitment; the ledger's current anchor is either the very
    // anchor the response names, or a later version that superseded it. (Receipts of the earlier
    // format also state the commitment, which must then agree.)
    if (recorded.commitment !== undefined && commitment !== recorded.commitment) return { device: f.device, field: f.field, outcome: 'MISMATCH', anchorTxId: recorded.txId };
    if (anchor.txId === recorded.txId) return { device: f.device, field: f.field, outcome: anchor.commitment === commitment ? 'PROVEN' : 'MISMATCH', anchorTxId: anchor.txId };
    return { device: f.device, field: f.field, outcome: anchor.version > recorded.version ? 'SUPERSEDED' : 'MISMATCH', anchorTxId: recorded.txId };
  });
  return { resolutionId, resolutionRecorded, fields, ok: resolutionRecorded && fields.every((f) => f.outcome === 'PROVEN' || f.outcome === 'SUPERSEDED') };
}
