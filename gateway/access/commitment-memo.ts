import { commitField, type FieldCommitmentInput } from '../../ledger-adapter/commitments/index.js';
import { BoundedMap } from '../../schema/index.js';

/** Remembers which served values hashed to which anchored commitments. */
export interface CommitmentMemo {
  /**
   * The commitment of a served value, to compare with the `anchored` one. A scalar value that
   * hashed to `anchored` before, with the same device, field and salt, is not hashed again: the
   * commitment is a pure function of them. Anything else is hashed.
   */
  commitmentOf(input: FieldCommitmentInput, anchored: string): string;
}

interface Remembered {
  readonly deviceId: string;
  readonly fieldCode: string;
  readonly salt: string;
  readonly value: string | number | boolean | null;
}

/** A memo of at most `capacity` commitments (oldest forgotten first); one per gateway. */
export function createCommitmentMemo(capacity = 100_000): CommitmentMemo {
  const byCommitment = new BoundedMap<string, Remembered>(capacity);
  return {
    commitmentOf(input, anchored) {
      const { value } = input;
      const scalar = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      const seen = scalar ? byCommitment.get(anchored) : undefined;
      if (seen && seen.value === value && seen.salt === input.salt && seen.deviceId === input.deviceId && seen.fieldCode === input.fieldCode) return anchored;
      const observed = commitField(input);
      if (scalar && observed === anchored) byCommitment.set(anchored, { deviceId: input.deviceId, fieldCode: input.fieldCode, salt: input.salt, value });
      return observed;
    },
  };
}
