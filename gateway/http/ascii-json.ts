const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const escape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
/** Array elements serialised together: a few thousand characters a piece. */
const ITEMS_PER_PIECE = 16;

/**
 * The JSON text of a value in ASCII only: every other character is written as a `\uXXXX` escape,
 * which any JSON parser reads back as the same character. Used for the gateway's responses.
 *
 * Why: V8 (Node 20) builds the JSON of a value that holds one character above U+00FF as a two-byte
 * string, and one of more than 64 Ki characters lives in its large-object space, where encoding it
 * for the socket costs several times the serialisation itself. A verified response carries its
 * receipt (about 200 characters per released value, 50 Ki for 220 values), so one `Ω` in a
 * maintenance note made every such response take that path. Here the top levels are walked and
 * what lies below is serialised natively a member (or a few array elements) at a time: pieces of
 * a few thousand characters, escaped only when they need it, joined into text that stays one byte
 * per character, with no large piece.
 *
 * Same text as `JSON.stringify` for ASCII content (member order, `toJSON`, `undefined` members
 * left out and `null` in arrays); `undefined` at the top gives `"null"`.
 *
 * @example stringifyAsciiJson({ fault: '0.21 MΩ' }) // '{"fault":"0.21 M\\u03a9"}'
 */
export function stringifyAsciiJson(value: unknown): string {
  const pieces: string[] = [];
  write(value, pieces, 0);
  return pieces.join('');
}

/**
 * How deep containers are walked: the response, `data`/`extensions`, `gridmark`, the receipt's
 * `values`. What lies deeper (a device's values, a device of `data`) is serialised natively, in
 * one piece per member, or per few elements of an array.
 */
const WALK_DEPTH = 3;

function write(value: unknown, pieces: string[], depth: number): void {
  if (Array.isArray(value)) {
    pieces.push('[');
    for (let i = 0; i < value.length; i += ITEMS_PER_PIECE) {
      if (i > 0) pieces.push(',');
      // The elements' JSON without the brackets around it.
      pieces.push(
        ascii(
          JSON.stringify(
            value.length <= ITEMS_PER_PIECE ? value : value.slice(i, i + ITEMS_PER_PIECE),
          ).slice(1, -1),
        ),
      );
    }
    pieces.push(']');
    return;
  }
  if (depth <= WALK_DEPTH && isPlainObject(value)) {
    pieces.push('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol')
        continue;
      pieces.push(first ? '' : ',', ascii(JSON.stringify(key)), ':');
      first = false;
      write(member, pieces, depth + 1);
    }
    pieces.push('}');
    return;
  }
  pieces.push(ascii(JSON.stringify(value) ?? 'null'));
}

/** Objects serialised member by member: plain (or prototype-less, as GraphQL results are) and without `toJSON`. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

function ascii(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  // The escaped text would keep the two-byte form of its source; a round trip through Latin-1
  // bytes makes it one byte per character (all of them ASCII now).
  return Buffer.from(text.replace(NON_ASCII_ALL, escape), 'latin1').toString('latin1');
}
