import { claimBatchRef } from './batch-ref.js';
import type { ContractState } from './contract-stub.js';
import { STATE_TYPES, type Anchor } from './records.js';
import { systemOfFieldCode } from './validation.js';

/*
 * How anchors are stored. A fleet anchors tens of millions of values and re-anchors its readings
 * all day, so an anchor keeps only what is its own: under `anchor` [deviceId, fieldCode] the
 * commitment, the version and a reference to its batch, `{"b":ref,"c":commitment,"v":version}`;
 * the device and field are the key, the system is the field code's prefix, and the batch's
 * transaction id and time are stored once per batch under `anchorbatch` [ref]. Anchors written
 * before this form hold the whole Anchor record and are read as they are.
 */

/** The composite-key type of anchor batches. */
export const ANCHOR_BATCH_TYPE = 'anchorbatch';

/** An anchor as stored: batch reference, commitment, version. */
export interface StoredAnchor {
  readonly b: string;
  readonly c: string;
  readonly v: number;
}

/** What the anchors of one batch share. */
export interface AnchorBatch {
  readonly txId: string;
  readonly anchoredAt: string;
}

/** The stored form of either age: a whole anchor (before anchors were stored compact) or a compact one. */
type StoredAnchorRecord = StoredAnchor | Anchor;

const isWhole = (stored: StoredAnchorRecord): stored is Anchor => 'commitment' in stored;

/**
 * Reads the latest anchor of each key, whole, in order; `undefined` where there is none. The
 * batch records the anchors reference are read once each.
 *
 * @throws Error when an anchor references a batch that is not in state (the state is corrupt)
 */
export async function getAnchors(
  state: ContractState,
  keys: readonly (readonly [deviceId: string, fieldCode: string])[],
): Promise<(Anchor | undefined)[]> {
  const anchors: (Anchor | undefined)[] = [];
  for (const [deviceId, fieldCode] of keys) {
    const stored = await state.get<StoredAnchorRecord>(STATE_TYPES.anchor, [deviceId, fieldCode]);
    if (stored === undefined || isWhole(stored)) {
      anchors.push(stored);
      continue;
    }
    const batch = await state.get<AnchorBatch>(ANCHOR_BATCH_TYPE, [stored.b]);
    if (batch === undefined)
      throw new Error(
        `the anchor of ${deviceId} ${fieldCode} references batch ${stored.b}, which is not in state`,
      );
    anchors.push({
      deviceId,
      fieldCode,
      systemCode: systemOfFieldCode(fieldCode),
      commitment: stored.c,
      anchoredAt: batch.anchoredAt,
      txId: batch.txId,
      version: stored.v,
    });
  }
  return anchors;
}

/** The version of a key's latest anchor, 0 when there is none; its batch is not read. */
export async function anchorVersion(
  state: ContractState,
  deviceId: string,
  fieldCode: string,
): Promise<number> {
  const stored = await state.get<StoredAnchorRecord>(STATE_TYPES.anchor, [deviceId, fieldCode]);
  if (stored === undefined) return 0;
  return isWhole(stored) ? stored.version : stored.v;
}

/**
 * Writes a batch of new anchors, all made by this transaction: each compact, and the batch once.
 *
 * @throws ContractError CONFLICT when this transaction's batch reference is taken
 */
export async function putAnchors(
  state: ContractState,
  anchors: readonly Pick<Anchor, 'deviceId' | 'fieldCode' | 'commitment' | 'version'>[],
): Promise<void> {
  const ref = await claimBatchRef(state, ANCHOR_BATCH_TYPE);
  await state.put(ANCHOR_BATCH_TYPE, [ref], {
    txId: state.txId,
    anchoredAt: state.at,
  } satisfies AnchorBatch);
  for (const anchor of anchors)
    await state.put(STATE_TYPES.anchor, [anchor.deviceId, anchor.fieldCode], {
      b: ref,
      c: anchor.commitment,
      v: anchor.version,
    } satisfies StoredAnchor);
}
