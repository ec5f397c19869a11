import { hash, randomBytes } from 'node:crypto';

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
  /** The value as a GraphQL response carries it (JSON). */
  readonly value: unknown;
}

const DOMAIN = 'gridmark/field-commitment/v1';
const DOMAIN_PART = `${Buffer.byteLength(DOMAIN)}:${DOMAIN}`;

/** The commitment, 64 lower-case hex digits. */
export function commitField(input: FieldCommitmentInput): string {
  // Length-prefix every part so no two different tuples share a preimage; one one-shot hash (the
  // gateway computes one per released value).
  const { deviceId, fieldCode, salt } = input;
  const value = stableJson(input.value);
  const preimage = `${DOMAIN_PART}${Buffer.byteLength(deviceId)}:${deviceId}${Buffer.byteLength(fieldCode)}:${fieldCode}${Buffer.byteLength(salt)}:${salt}${Buffer.byteLength(value)}:${value}`;
  return hash('sha256', preimage, 'hex');
}

/** A fresh salt. */
export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * JSON with object keys sorted, as GraphQL values serialise: finite numbers in JavaScript's
 * shortest round-trip form, strings, booleans, null, arrays, plain objects.
 *
 * @throws TypeError for values a GraphQL response cannot carry (NaN, Infinity, undefined, bigint).
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`a field value cannot be ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
  }
  throw new TypeError(`a field value cannot be ${typeof value}`);
}
