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

/** `extensions.code`, and `extensions.reason` when given, of an error. */
export function codeOf(error: AnswerError): { code: string; reason?: string } {
  const code = error.extensions?.['code'];
  const reason = error.extensions?.['reason'];
  return {
    code: typeof code === 'string' ? code : 'no code',
    ...(typeof reason === 'string' ? { reason } : {}),
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
