/*
 * How deeply a request nests, counted in one pass over its text before anything parses it.
 * graphql-js parses (and validates) recursively: a query of 100,000 `[` or `{` exhausts the
 * stack, and so would a deeply nested variable once coerced. A cheap scan here refuses those
 * before any recursive code sees them.
 */

/** The characters that open or close a level, or start what is skipped, in each syntax. */
const GRAPHQL_MARKS = /[{}[\]()"#]/g;
const JSON_MARKS = /[{}[\]"]/g;

/**
 * True when the GraphQL text nests `{`, `[` and `(` deeper than `max`, outside strings, block
 * strings and comments.
 *
 * @example graphqlNestsDeeperThan('{ a(b: [[1]]) { c } }', 3) // true: four levels
 */
export function graphqlNestsDeeperThan(text: string, max: number): boolean {
  return nestsDeeperThan(text, max, GRAPHQL_MARKS);
}

/** True when the JSON text nests objects and arrays deeper than `max` (strings skipped). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  return nestsDeeperThan(text, max, JSON_MARKS);
}

function nestsDeeperThan(text: string, max: number, marks: RegExp): boolean {
  let depth = 0;
  // The regular expression jumps from mark to mark natively: this runs on every request.
  marks.lastIndex = 0;
  for (let match = marks.exec(text); match !== null; match = marks.exec(text)) {
    const at = match.index;
    switch (text.charCodeAt(at)) {
      case 0x7b: // {
      case 0x5b: // [
      case 0x28: // (
        if (++depth > max) return true;
        break;
      case 0x7d: // }
      case 0x5d: // ]
      case 0x29: // )
        if (depth > 0) depth--;
        break;
      case 0x23: // # comment, to the end of the line
        marks.lastIndex = endOfLine(text, at);
        break;
      default: // " string, or GraphQL block string
        marks.lastIndex =
          marks === GRAPHQL_MARKS && text.startsWith('"""', at)
            ? endOfBlockString(text, at + 3)
            : endOfString(text, at + 1);
    }
  }
  return false;
}

/** Index after the closing quote of a string whose content starts at `from` (or the end). */
function endOfString(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return text.length;
}

/** Index after the closing `"""` of a block string whose content starts at `from` (or the end). */
function endOfBlockString(text: string, from: number): number {
  for (
    let close = text.indexOf('"""', from);
    close !== -1;
    close = text.indexOf('"""', close + 1)
  ) {
    if (text.charCodeAt(close - 1) !== 0x5c) return close + 3;
  }
  return text.length;
}

function endOfLine(text: string, from: number): number {
  const newline = text.slice(from).search(/[\n\r]/);
  return newline === -1 ? text.length : from + newline + 1;
}

/** True when a parsed JSON value nests arrays and objects deeper than `max` (walked without recursion). */
export function valueNestsDeeperThan(value: unknown, max: number): boolean {
  const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    const depth = next.depth + 1;
    if (depth > max) return true;
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value))
      if (child !== null && typeof child === 'object') pending.push({ value: child, depth });
  }
  return false;
}
