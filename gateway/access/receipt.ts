import type { ReceiptValue, ReceiptValues } from '../../schema/index.js';
import type { FieldVerification } from './request-access.js';

export type { ReceiptValue, ReceiptValues };

/** A value as a saved receipt states it, in either format (the earlier one wrote out each anchor's commitment). */
export interface ReceivedValue extends Omit<FieldVerification, 'system' | 'anchor'> {
  readonly anchor: {
    readonly txId: string;
    readonly version: number;
    readonly commitment?: string;
  } | null;
}

/**
 * Writes the gateway's verifications as a receipt: values grouped by device and field, each
 * anchor's transaction id once. A field selected twice (under two aliases) is one value. The
 * commitments are not written: each is what its value and salt hash to.
 */
export function writeReceipt(verifications: readonly FieldVerification[]): ReceiptValues {
  const anchors: string[] = [];
  const anchorIndex = new Map<string, number>();
  const values: Record<string, Record<string, ReceiptValue>> = {};
  for (const v of verifications) {
    let anchor: number | null = null;
    if (v.anchor) {
      anchor = anchorIndex.get(v.anchor.txId) ?? anchors.length;
      if (anchor === anchors.length) {
        anchorIndex.set(v.anchor.txId, anchor);
        anchors.push(v.anchor.txId);
      }
    }
    // Member by member, not by spreading: there is one per value.
    const line: {
      code: string;
      status: FieldVerification['status'];
      anchor: number | null;
      version?: number;
      salt?: string | null;
      value?: unknown;
    } = { code: v.fieldCode, status: v.status, anchor };
    if (v.anchor) line.version = v.anchor.version;
    line.salt = v.salt;
    if (v.value !== undefined) line.value = v.value;
    (values[v.device] ??= {})[v.field] = line as ReceiptValue;
  }
  return { anchors, values };
}

/**
 * Reads the values a saved `extensions.gridmark` states: this format (`anchors` and `values`)
 * or the earlier one, a `fields` list with each value's anchor written out. Anything malformed
 * reads as no values.
 */
export function readReceipt(gridmark: unknown): ReceivedValue[] {
  if (gridmark === null || typeof gridmark !== 'object') return [];
  const { anchors, values, fields } = gridmark as {
    anchors?: unknown;
    values?: unknown;
    fields?: unknown;
  };
  if (Array.isArray(fields)) return fields as ReceivedValue[];
  if (!Array.isArray(anchors) || values === null || typeof values !== 'object') return [];
  const out: ReceivedValue[] = [];
  for (const [device, byField] of Object.entries(values as Record<string, unknown>)) {
    if (byField === null || typeof byField !== 'object') continue;
    for (const [field, raw] of Object.entries(byField as Record<string, unknown>)) {
      const line = raw as Partial<ReceiptValue>;
      const txId = typeof line.anchor === 'number' ? (anchors[line.anchor] as unknown) : undefined;
      out.push({
        device,
        field,
        fieldCode: String(line.code ?? ''),
        status: line.status ?? 'UNVERIFIABLE',
        anchor: typeof txId === 'string' ? { txId, version: Number(line.version) } : null,
        salt: typeof line.salt === 'string' ? line.salt : null,
        ...(line.value === undefined ? {} : { value: line.value }),
      });
    }
  }
  return out;
}

/** The same receipt with no values in it: for a response whose data is withheld after all. */
export function withoutValues<T extends object>(gridmark: T): T & ReceiptValues {
  return { ...gridmark, anchors: [], values: {} };
}
