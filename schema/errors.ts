import { GraphQLError } from 'graphql';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * The base class of every error gridmark raises on purpose. It carries a stable `code` from
 * {@link ERROR_CODES}, optional client-safe `details`, and the underlying `cause` (never sent
 * to clients).
 */
export class GridmarkError extends Error {
  override readonly name: string = 'GridmarkError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** The CLI exit code for this error. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }

  /** This error as a GraphQL error: message, `extensions.code` and the client-safe details. */
  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: { ...this.details, code: this.code } });
  }
}
