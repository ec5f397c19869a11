/**
 * What the gateway found for one released or withheld value. VERIFIED: equals its anchor;
 * UNVERIFIED: changed since its anchor, released by the field's policy; TAMPERED and UNVERIFIABLE:
 * withheld.
 */
export type VerificationStatus = 'VERIFIED' | 'UNVERIFIED' | 'TAMPERED' | 'UNVERIFIABLE';

/**
 * One value's line in a receipt: what the gateway checked it against. `anchor` indexes the
 * receipt's `anchors` (ledger transaction ids), so a transaction that anchored many values is
 * written once.
 */
export interface ReceiptValue {
  /** The field code (`<system code>.F0001`): the system is its prefix. */
  readonly code: string;
  readonly status: VerificationStatus;
  readonly anchor: number | null;
  /** The anchor's version; its commitment is what the value and salt hash to (`commitField`). */
  readonly version?: number;
  readonly salt: string | null;
  /** The whole value released, as committed (absent for withheld values). */
  readonly value?: unknown;
}

/**
 * The verification part of the receipt the gateway writes in `extensions.gridmark`, which an
 * application keeps to re-check its values against the ledger later.
 */
export interface ReceiptValues {
  readonly anchors: readonly string[];
  /** Per device identifier, per field name. */
  readonly values: Readonly<Record<string, Readonly<Record<string, ReceiptValue>>>>;
}
