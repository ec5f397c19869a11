/**
 * The one table of gridmark error codes. Every code that reaches a client (GraphQL
 * `extensions.code`, a CLI exit) is listed here with its message and meaning; `docs/errors.md`
 * documents each one and a test keeps the two in step.
 */
export const ERROR_CODES = {
  BAD_IDENTIFIER: {
    message: 'The identifier is not a valid <prefix>/<suffix> device identifier.',
    meaning:
      'A device identifier failed the syntax check: the prefix must be dotted numeric segments ' +
      '(e.g. 88.1001.7), the suffix 1-128 characters of A-Z a-z 0-9 . _ - : starting with a letter or digit.',
    exitCode: 2,
  },
  LIMIT_EXCEEDED: {
    message: 'The request asks for more than a configured limit allows.',
    meaning: 'For example more identifiers in one `devices(ids:)` call than the gateway accepts; `extensions.limit` gives the limit.',
    exitCode: 2,
  },
  BAD_DECLARATION: {
    message: 'The subgraph declaration is invalid.',
    meaning:
      'A business system declared a shareable field or type that the subgraph kit cannot publish ' +
      '(bad name, reserved name, duplicate, unknown GraphQL type).',
    exitCode: 2,
  },
  COMPOSITION_FAILED: {
    message: 'The business systems\' subgraphs do not compose into one supergraph.',
    meaning:
      'Federation composition failed; each error names the subgraph (business system) that caused it.',
    exitCode: 3,
  },
  SYSTEM_UNAVAILABLE: {
    message: 'A business system did not answer.',
    meaning:
      'A subgraph could not be reached or answered with a transport error; the fields it serves are ' +
      'null and the rest of the response is still returned. `extensions.system` names the system.',
    exitCode: 4,
  },
  SYSTEM_ERROR: {
    message: 'A business system reported an internal error.',
    meaning:
      'A subgraph failed while resolving its fields; details stay in that system\'s log. ' +
      '`extensions.system` names the system.',
    exitCode: 4,
  },
  INTERNAL_ERROR: {
    message: 'Internal error.',
    meaning: 'An unexpected failure inside gridmark; details are logged on the server, never sent.',
    exitCode: 1,
  },
  BAD_CONFIGURATION: {
    message: 'The configuration is invalid.',
    meaning: 'A command-line option or configuration value is missing or malformed.',
    exitCode: 2,
  },
} as const satisfies Record<string, { message: string; meaning: string; exitCode: number }>;

/** A stable gridmark error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is one of gridmark's own codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
