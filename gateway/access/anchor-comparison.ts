import type { Anchor } from '../../ledger-adapter/index.js';
import { commitField } from '../../schema/index.js';
import {
  markUnproven,
  withhold,
  withholdUnverifiable,
  type ResponseCheck,
} from './response-check.js';
import type { Candidate } from './verification-candidates.js';
import { projects } from './value-projection.js';

/** Each candidate against its anchor (one batched ledger read): released, or withheld and reported. */
export async function compareWithAnchors(
  check: ResponseCheck,
  candidates: readonly Candidate[],
): Promise<void> {
  let anchors: (Anchor | null)[];
  try {
    anchors = await check.options.ledger.getAnchors(
      candidates.map((c) => [c.deviceId, c.fieldCode] as const),
    );
  } catch {
    for (const c of candidates)
      withholdUnverifiable(
        check,
        c,
        'LEDGER_UNAVAILABLE',
        `The ledger could not answer for Device.${c.name} of ${c.deviceId}; withheld.`,
      );
    return;
  }
  anchors.forEach((anchor, i) => {
    const c = candidates[i];
    if (!c) return;
    if (anchor) compareWithAnchor(check, c, anchor);
    else {
      markUnproven(check, c);
      withholdUnverifiable(
        check,
        c,
        'NO_ANCHOR',
        `Device.${c.name} of ${c.deviceId} has no anchor on the ledger yet; withheld.`,
        c.salt,
      );
    }
  });
}

/**
 * A value whose hash (of its whole value) is the anchored commitment is released VERIFIED; one
 * that is not, UNVERIFIED when its field's policy allows; otherwise it is withheld and reported.
 * A part of an object value must be a projection of the whole value either way.
 */
function compareWithAnchor(check: ResponseCheck, c: Candidate, anchor: Anchor): void {
  const { options } = check;
  const { access } = options;
  const salt = c.salt;
  // The cached anchor itself (frozen) is the verification's reference: no copy per value.
  const whole = c.whole === undefined ? c.value : c.whole;
  const observed = options.commitments.commitmentOf(
    { deviceId: c.deviceId, fieldCode: c.fieldCode, salt, value: whole },
    anchor.commitment,
  );
  // A value with no canonical JSON can be no anchor's value, nor be written into a receipt: it is
  // withheld whatever the field's policy.
  const consistent =
    observed !== undefined && (c.whole === undefined || projects(c.value, c.whole, c.keys));
  const released =
    consistent && observed === anchor.commitment
      ? 'VERIFIED'
      : consistent && c.policy === 'release-unverified'
        ? 'UNVERIFIED'
        : undefined;
  if (released) {
    access.verifications.push({
      device: c.deviceId,
      field: c.name,
      fieldCode: c.fieldCode,
      system: c.systemCode,
      status: released,
      anchor,
      salt,
      value: whole,
    });
    return;
  }
  withhold(
    check,
    c,
    { status: 'TAMPERED', anchor, salt },
    `Device.${c.name} of ${c.deviceId} from system ${c.systemCode} does not match its anchored hash; withheld and reported.`,
  );
  options.onTamper({
    deviceId: c.deviceId,
    fieldCode: c.fieldCode,
    systemCode: c.systemCode,
    anchoredCommitment: anchor.commitment,
    // A value with no canonical JSON is reported by the commitment of its escaped JSON text.
    observedCommitment:
      observed ??
      commitField({
        deviceId: c.deviceId,
        fieldCode: c.fieldCode,
        salt,
        value: JSON.stringify(whole),
      }),
    resolutionId: access.resolution?.resolutionId ?? '',
  });
}
