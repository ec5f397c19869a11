/** 64 lower-case hex digits: a SHA-256 or random id that the book keeps as its 32 bytes. */
const HEX_ID = /^[0-9a-f]{64}$/;

/** True when `id` is 64 lower-case hex digits, so that its bytes read back as the same text. */
export function isHexId(id: unknown): id is string {
  return typeof id === 'string' && HEX_ID.test(id);
}

/**
 * An id as the book stores it in a column of any type: the 32 bytes of 64 lower-case hex digits
 * (half the space, in the row and in every index that repeats it), any other text as it is.
 *
 * @example packId('ab'.repeat(32)) // a 32-byte Buffer; packId('T-1') // 'T-1'
 */
export function packId(id: string): Buffer | string {
  return isHexId(id) ? Buffer.from(id, 'hex') : id;
}

/** The id {@link packId} stored, as text again. */
export function unpackId(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('hex') : String(value);
}
