import { STATE_TYPES } from '../contract/index.js';
import { createCompositeKey } from '../runtime/index.js';
import { BLOCK_COMPRESSION } from './block-compression.js';

/*
 * How the embedded ledger keeps a state value in its `state` table. The contract writes JSON text
 * whose bulk is hashes in hex and ISO times, which take about half the room kept as their bytes;
 * and the records it writes once per query and seldom reads again (a resolution, a trade, a batch
 * of trades) are in the block that wrote them already, so the state table need not hold them twice.
 *
 * A stored value whose first byte is below 0x04 is in one of these forms; any other is the value
 * itself, as every value was stored before (the contract writes JSON text, which starts with none
 * of these bytes):
 * - 0x00 alone: the value the transaction of the row's version (block, tx) wrote for the row's
 *   key, read from that block;
 * - 0x01, then the text packed: each `"<64 hex digits>"` (lower case) as 0x01 and its 32 bytes,
 *   each `"<16 hex digits>"` as 0x02 and its 8 bytes, each `"<ISO-8601 UTC time with
 *   milliseconds>"` as 0x03 and the time's 6 bytes (milliseconds since 1970, big-endian); a text
 *   holding a byte 0x01 to 0x03 of its own is not packed;
 * - 0x02, then the value as it is: a value whose own first byte is below 0x04.
 */

/** The stored form of a value kept only in the block that wrote it. */
export const KEPT_IN_BLOCK: Uint8Array = Uint8Array.of(0x00);

const PACKED = 0x01;
const ESCAPED = 0x02;
const FIRST_PLAIN_BYTE = 0x04;
const HASH_TOKEN = 0x01;
const REF_TOKEN = 0x02;
const TIME_TOKEN = 0x03;
const QUOTE = 0x22;
/** `"` + 64 hex digits + `"`, and its packed length. */
const HASH_TEXT = 66;
const HASH_PACKED = 33;
/** `"` + 16 hex digits + `"`, and its packed length. */
const REF_TEXT = 18;
const REF_PACKED = 9;
/** `"YYYY-MM-DDTHH:MM:SS.sssZ"`, and its packed length. */
const TIME_TEXT = 26;
const TIME_PACKED = 7;
const MAX_TIME_MS = 2 ** 48;

/** The value of each lower-case hex digit by its byte; -1 for any other byte. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
const HEX_DIGIT = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** True when `value[from .. from + digits)` are lower-case hex digits. */
function hexDigits(value: Uint8Array, from: number, digits: number): boolean {
  for (let i = from; i < from + digits; i++)
    if ((HEX_VALUE[value[i] as number] as number) < 0) return false;
  return true;
}

/** Writes the bytes of `digits` hex digits at `value[from]` to `out[at]`. */
function writeHexBytes(
  value: Uint8Array,
  from: number,
  digits: number,
  out: Uint8Array,
  at: number,
): void {
  for (let i = 0; i < digits; i += 2)
    out[at + (i >> 1)] =
      ((HEX_VALUE[value[from + i] as number] as number) << 4) |
      (HEX_VALUE[value[from + i + 1] as number] as number);
}

/** The time a quoted ISO text at `value[at]` stands for, when it reads back as the same text. */
function timeAt(value: Uint8Array, at: number): number | undefined {
  // Only the shape is checked here; the round trip below rules out anything else.
  if (value[at + 11] !== 0x54 || value[at + 24] !== 0x5a || value[at + 20] !== 0x2e) return;
  const text = Buffer.from(value.buffer, value.byteOffset + at + 1, 24).toString('latin1');
  const ms = Date.parse(text);
  if (!(ms >= 0 && ms < MAX_TIME_MS) || new Date(ms).toISOString() !== text) return;
  return ms;
}

/**
 * The length of the token that stands for the quoted text at `value[at]`, written to `out[o]`;
 * 0 when that text is none of the packed kinds.
 */
function packToken(value: Uint8Array, at: number, out: Buffer, o: number): number {
  const rest = value.length - at;
  if (rest >= HASH_TEXT && value[at + HASH_TEXT - 1] === QUOTE && hexDigits(value, at + 1, 64)) {
    out[o] = HASH_TOKEN;
    writeHexBytes(value, at + 1, 64, out, o + 1);
    return HASH_TEXT;
  }
  if (rest >= REF_TEXT && value[at + REF_TEXT - 1] === QUOTE && hexDigits(value, at + 1, 16)) {
    out[o] = REF_TOKEN;
    writeHexBytes(value, at + 1, 16, out, o + 1);
    return REF_TEXT;
  }
  if (rest >= TIME_TEXT && value[at + TIME_TEXT - 1] === QUOTE) {
    const ms = timeAt(value, at);
    if (ms === undefined) return 0;
    out[o] = TIME_TOKEN;
    out.writeUIntBE(ms, o + 1, 6);
    return TIME_TEXT;
  }
  return 0;
}

/** A value stored as it is: escaped when its first byte would read as a form byte. */
function plain(value: Uint8Array): Uint8Array {
  if (value.length === 0 || (value[0] as number) >= FIRST_PLAIN_BYTE) return value;
  const out = new Uint8Array(value.length + 1);
  out[0] = ESCAPED;
  out.set(value, 1);
  return out;
}

/** The form a value is stored in, packed when that is shorter. */
export function packStateValue(value: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(value.length + 1);
  out[0] = PACKED;
  let o = 1;
  let packed = false;
  for (let i = 0; i < value.length;) {
    const byte = value[i] as number;
    // A byte a token is made of cannot be told from a token: such a text stays as it is.
    if (byte >= HASH_TOKEN && byte <= TIME_TOKEN) return plain(value);
    // Most quotes close a member name; only one with a quote where a token's text ends is looked at.
    if (
      byte === QUOTE &&
      (value[i + HASH_TEXT - 1] === QUOTE ||
        value[i + REF_TEXT - 1] === QUOTE ||
        value[i + TIME_TEXT - 1] === QUOTE)
    ) {
      const taken = packToken(value, i, out, o);
      if (taken > 0) {
        o += taken === HASH_TEXT ? HASH_PACKED : taken === REF_TEXT ? REF_PACKED : TIME_PACKED;
        i += taken;
        packed = true;
        continue;
      }
    }
    out[o++] = byte;
    i += 1;
  }
  return packed ? out.subarray(0, o) : plain(value);
}

/** True when a stored value is kept only in the block that wrote it. */
export function keptInBlock(stored: Uint8Array): boolean {
  return stored.length > 0 && stored[0] === KEPT_IN_BLOCK[0];
}

/** The length of the text a packed value stands for. */
function unpackedLength(stored: Uint8Array): number {
  let length = 0;
  for (let i = 1; i < stored.length;) {
    const byte = stored[i] as number;
    if (byte === HASH_TOKEN) [length, i] = [length + HASH_TEXT, i + HASH_PACKED];
    else if (byte === REF_TOKEN) [length, i] = [length + REF_TEXT, i + REF_PACKED];
    else if (byte === TIME_TOKEN) [length, i] = [length + TIME_TEXT, i + TIME_PACKED];
    else [length, i] = [length + 1, i + 1];
  }
  return length;
}

/** Writes `"` and the hex digits of `bytes` bytes at `stored[from]` to `out[at]`, then `"`. */
function writeQuotedHex(
  stored: Uint8Array,
  from: number,
  bytes: number,
  out: Uint8Array,
  at: number,
): void {
  out[at] = QUOTE;
  for (let i = 0; i < bytes; i++) {
    const byte = stored[from + i] as number;
    out[at + 1 + 2 * i] = HEX_DIGIT[byte >> 4] as number;
    out[at + 2 + 2 * i] = HEX_DIGIT[byte & 15] as number;
  }
  out[at + 1 + 2 * bytes] = QUOTE;
}

function unpack(stored: Uint8Array): Uint8Array {
  const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  // A buffer of its own, not a slice of a shared pool: a cached value keeps nothing else alive.
  const out = new Uint8Array(unpackedLength(stored));
  let o = 0;
  for (let i = 1; i < stored.length;) {
    const byte = stored[i] as number;
    if (byte === HASH_TOKEN) {
      writeQuotedHex(stored, i + 1, 32, out, o);
      [o, i] = [o + HASH_TEXT, i + HASH_PACKED];
    } else if (byte === REF_TOKEN) {
      writeQuotedHex(stored, i + 1, 8, out, o);
      [o, i] = [o + REF_TEXT, i + REF_PACKED];
    } else if (byte === TIME_TOKEN) {
      const time = new Date(view.readUIntBE(i + 1, 6)).toISOString();
      out[o] = QUOTE;
      for (let c = 0; c < time.length; c++) out[o + 1 + c] = time.charCodeAt(c);
      out[o + TIME_TEXT - 1] = QUOTE;
      [o, i] = [o + TIME_TEXT, i + TIME_PACKED];
    } else {
      out[o++] = byte;
      i += 1;
    }
  }
  return out;
}

/**
 * The value a stored value (packed, escaped or as it is) stands for.
 *
 * @throws Error for a value kept in its block (see {@link keptInBlock}): its block holds it
 */
export function unpackStateValue(stored: Uint8Array): Uint8Array {
  if (stored.length === 0 || (stored[0] as number) >= FIRST_PLAIN_BYTE) return stored;
  if (stored[0] === PACKED) return unpack(stored);
  if (stored[0] === ESCAPED) return stored.subarray(1);
  throw new Error('this state value is kept in the block that wrote it');
}

/**
 * The records kept only in the block that wrote them: those the contract writes once per query
 * and seldom reads again (it reads a resolution back when the query's trade is recorded, moments
 * later, from the state cache).
 */
const KEPT_IN_BLOCK_PREFIXES = [
  STATE_TYPES.resolution,
  STATE_TYPES.trade,
  STATE_TYPES.tradeBatch,
].map((type) => createCompositeKey(type, []));

/**
 * Blocks of at most this many characters of data keep those records: reading one back
 * decompresses a small block, never one of thousands of transactions.
 */
export const MAX_CHARS_OF_BLOCK_KEEPING_VALUES = BLOCK_COMPRESSION.smallBlockBytes;

/** The form a write of a block with `blockChars` characters of data is stored in, in the state table. */
export function storedStateValue(key: string, value: Uint8Array, blockChars: number): Uint8Array {
  if (
    blockChars <= MAX_CHARS_OF_BLOCK_KEEPING_VALUES &&
    KEPT_IN_BLOCK_PREFIXES.some((prefix) => key.startsWith(prefix))
  )
    return KEPT_IN_BLOCK;
  return packStateValue(value);
}
