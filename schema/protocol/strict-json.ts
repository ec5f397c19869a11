/**
 * Reads a JSON object that names no member twice, at any depth: `JSON.parse` keeps the last of
 * two members of one name, where another reader may keep the first, so a signed text with
 * duplicates could mean one thing here and another there. Undefined when the text is not JSON,
 * not an object, or names a member twice.
 */
export function parseStrictJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return namesEachMemberOnce(text) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Walks JSON text that `JSON.parse` accepted: each string followed by `:` is a member name of the
 * innermost open object, compared after unescaping (`"a"` and `"\u0061"` are one name).
 */
function namesEachMemberOnce(text: string): boolean {
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const names = open[open.length - 1];
      let next = end + 1;
      while (
        text[next] === ' ' ||
        text[next] === '\n' ||
        text[next] === '\r' ||
        text[next] === '\t'
      )
        next++;
      if (names && text[next] === ':') {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return false;
        names.add(name);
      }
      i = end;
    }
  }
  return true;
}
