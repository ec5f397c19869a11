/**
 * The key in an `Authorization: Bearer <key>` header: `undefined` when there is no header, `null`
 * when there is one of another shape (which callers refuse rather than treat as anonymous).
 */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (header === undefined || header === '') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
}
