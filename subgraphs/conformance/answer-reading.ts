import type { AnswerError, GraphqlBody } from './system-client.js';

/** `data._entities` of an answer, or null when it has none. */
export function entitiesOf(body: GraphqlBody): readonly unknown[] | null {
  const entities = body.data?.['_entities'];
  return Array.isArray(entities) ? entities : null;
}

/** An entry of `_entities` as an object, or null. */
export function entityAt(body: GraphqlBody, index: number): Record<string, unknown> | null {
  const entry = entitiesOf(body)?.[index];
  return entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>) : null;
}

/** How many values of `fields` the answer holds that are not null, over every entry. */
export function servedValues(body: GraphqlBody, fields: readonly string[]): number {
  let count = 0;
  for (const entry of entitiesOf(body) ?? []) {
    if (entry === null || typeof entry !== 'object') continue;
    const record = entry as Record<string, unknown>;
    for (const field of fields) if (record[field] !== null && record[field] !== undefined) count++;
  }
  return count;
}

/** The errors of an answer whose path starts with `prefix` (every error for an empty prefix). */
export function errorsAt(
  body: GraphqlBody,
  prefix: readonly (string | number)[] = [],
): readonly AnswerError[] {
  return (body.errors ?? []).filter((error) =>
    prefix.every((step, i) => Array.isArray(error.path) && error.path[i] === step),
  );
}

/** The most characters of a system's own text that a report repeats. */
const MAX_ECHO = 60;

/**
 * Text a system sent, made safe to repeat in a one-line reason: JSON for what is not a string,
 * control and format characters (line breaks, terminal escapes, bidirectional marks) as `?`,
 * clipped. A system under test must not be able to write lines of its own into the report.
 */
export function printable(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?');
  return clean.length > MAX_ECHO ? `${clean.slice(0, MAX_ECHO - 3)}...` : clean;
}

/** `extensions.code`, and `extensions.reason` when given, of an error, as {@link printable} text. */
export function codeOf(error: AnswerError): { code: string; reason?: string } {
  const code = error.extensions?.['code'];
  const reason = error.extensions?.['reason'];
  return {
    code: typeof code === 'string' ? printable(code) : 'no code',
    ...(typeof reason === 'string' ? { reason: printable(reason) } : {}),
  };
}

/** The reasons of the `GRANT_REFUSED` errors among `errors`. */
export function refusalReasons(errors: readonly AnswerError[]): readonly string[] {
  return errors.flatMap((error) => {
    const { code, reason } = codeOf(error);
    return code === 'GRANT_REFUSED' ? [reason ?? 'no reason'] : [];
  });
}

/** A short account of an answer's first error: `GRANT_REFUSED NOT_COVERED`, or `no error`. */
export function firstError(errors: readonly AnswerError[]): string {
  const first = errors[0];
  if (!first) return 'no error';
  const { code, reason } = codeOf(first);
  return reason === undefined ? code : `${code} ${reason}`;
}
