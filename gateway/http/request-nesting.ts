/*
 * How deeply a request nests, counted in one pass over its text before anything parses it.
 * graphql-js parses (and validates) recursively: a query of 100,000 `[` or `{` exhausts the
 * stack, and so would a deeply nested variable once coerced. A cheap scan here refuses those
 * before any recursive code sees them.
 */

const OPEN = new Set(['{', '[', '(']);
const CLOSE = new Set(['}', ']', ')']);

/**
 * True when the GraphQL text nests `{`, `[` and `(` deeper than `max`, outside strings, block
 * strings and comments.
 *
 * @example graphqlNestsDeeperThan('{ a(b: [[1]]) { c } }', 3) // true: four levels
 */
export function graphqlNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (OPEN.has(c)) {
      if (++depth > max) return true;
    } else if (CLOSE.has(c)) {
      depth = Math.max(0, depth - 1);
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"') {
      i = text.startsWith('"""', i) ? skipBlockString(text, i + 3) : skipString(text, i + 1);
    }
  }
  return false;
}

/** True when the JSON text nests objects and arrays deeper than `max` (strings skipped). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth = Math.max(0, depth - 1);
    } else if (c === 0x22) {
      i = skipString(text, i + 1);
    }
  }
  return false;
}

/** Index of the closing quote of a string whose content starts at `i` (or the end). */
function skipString(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"' || c === '\n') return i;
  }
  return text.length;
}

/** Index of the last quote of a block string whose content starts at `i` (or the end). */
function skipBlockString(text: string, i: number): number {
  for (; i < text.length; i++) {
    if (text[i] === '\\' && text.startsWith('\\"""', i)) i += 3;
    else if (text.startsWith('"""', i)) return i + 2;
  }
  return text.length;
}
