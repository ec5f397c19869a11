import { hash, randomBytes } from 'node:crypto';
import { GridmarkError } from './errors.js';
import { canonicalJson } from './canonical-json.js';

/**
 * A salted commitment to one field value of one device: SHA-256 over a versioned, length-safe
 * preimage of (device, field code, salt, value). The salt (16 random bytes, fresh per anchor) makes
 * the anchored hash useless for guessing the value (a reading, a status, an amount), and each
 * (device, field) has its own salt, so revealing one field's salt to check it reveals nothing
 * about the others.
 */
export interface FieldCommitmentInput {
  readonly deviceId: string;
  readonly fieldCode: string;
  /** Base64url salt. */
  readonly salt: string;
  /** The value as a GraphQL response carries it (JSON), committed to as RFC 8785 canonical JSON. */
  readonly value: unknown;
}

const DOMAIN = 'gridmark/field-commitment/v1';
const DOMAIN_PART = `${Buffer.byteLength(DOMAIN)}:${DOMAIN}`;

/**
 * The commitment, 64 lower-case hex digits: SHA-256 over the UTF-8 bytes of
 * `28:gridmark/field-commitment/v1` followed by `<length>:<part>` for the device identifier, the
 * field code, the salt and the value's canonical JSON (RFC 8785) in turn, each length the part's
 * size in UTF-8 bytes, in decimal.
 *
 * @throws GridmarkError `BAD_JSON_VALUE` when the value has no canonical JSON (see {@link canonicalJson}).
 * @example
 * commitField({ deviceId: '88.1001.1/PVI-000001', fieldCode: '88.1001.3.F0001', salt: 'abc', value: 1.5 })
 * // hashes '28:gridmark/field-commitment/v120:88.1001.1/PVI-00000115:88.1001.3.F00013:abc3:1.5'
 */
export function commitField(input: FieldCommitmentInput): string {
  // Length-prefix every part so no two different tuples share a preimage; one one-shot hash (the
  // gateway computes one per released value).
  const { deviceId, fieldCode, salt } = input;
  const value = canonicalJson(input.value);
  const preimage = `${DOMAIN_PART}${Buffer.byteLength(deviceId)}:${deviceId}${Buffer.byteLength(fieldCode)}:${fieldCode}${Buffer.byteLength(salt)}:${salt}${Buffer.byteLength(value)}:${value}`;
  return hash('sha256', preimage, 'hex');
}

/**
 * The commitment of a value received from elsewhere (a system's answer, a saved receipt), or
 * `undefined` when the value has no canonical JSON (a lone surrogate, say): no anchor can commit
 * to such a value, so it matches none.
 */
export function commitReceivedField(input: FieldCommitmentInput): string | undefined {
  try {
    return commitField(input);
  } catch (error) {
    if (error instanceof GridmarkError && error.code === 'BAD_JSON_VALUE') return undefined;
    throw error;
  }
}

/** A fresh salt. */
export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}
