import { commitReceivedField, type FieldCommitmentInput } from '../../schema/index.js';
import { BoundedMap } from '../../schema/index.js';

/** Remembers which served values hashed to which anchored commitments. */
export interface CommitmentMemo {
  /**
   * The commitment of a served value, to compare with the `anchored` one. A value that hashed to
   * `anchored` before, with the same device, field and salt, is not hashed again: the commitment
   * is a pure function of them. Anything else is hashed. `undefined` for a value with no
   * canonical JSON, which matches no anchor.
   */
  commitmentOf(input: FieldCommitmentInput, anchored: string): string | undefined;
}

interface Remembered {
  readonly deviceId: string;
  readonly fieldCode: string;
  readonly salt: string;
  /** A scalar value itself; an object or list as its JSON text. */
  readonly value: string | number | boolean | null;
  readonly scalar: boolean;
}

/**
 * A memo of at most `capacity` commitments (oldest forgotten first); one per gateway.
 *
 * An object or list value (maintenance records) is compared by its JSON text, which the native
 * serialiser writes far faster than the commitment's canonical form: values parsed from a
 * subgraph's JSON that give the same text are the same value. One served with its members in
 * another order gives another text and is simply hashed.
 */
export function createCommitmentMemo(capacity = 100_000): CommitmentMemo {
  const byCommitment = new BoundedMap<string, Remembered>(capacity);
  return {
    commitmentOf(input, anchored) {
      const { value } = input;
      const scalar =
        value === null ||
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean';
      const seen = byCommitment.get(anchored);
      const comparable = scalar ? value : seen && !seen.scalar ? JSON.stringify(value) : undefined;
      if (
        seen &&
        seen.scalar === scalar &&
        seen.value === comparable &&
        seen.salt === input.salt &&
        seen.deviceId === input.deviceId &&
        seen.fieldCode === input.fieldCode
      )
        return anchored;
      const observed = commitReceivedField(input);
      if (observed === anchored)
        byCommitment.set(anchored, {
          deviceId: input.deviceId,
          fieldCode: input.fieldCode,
          salt: input.salt,
          value: comparable ?? JSON.stringify(value),
          scalar,
        });
      return observed;
    },
  };
}
