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

  /**
   * This error as the refusal of a whole request, before anything runs, with the HTTP status it
   * deserves (Apollo Server takes it from `extensions.http` and does not send that member):
   * 401 without valid credentials, 402 when the application cannot pay, 403 when the rules do not
   * allow it, 503 when the ledger or the book cannot answer, 400 for any other refusal. Without a
   * status, Apollo Server answers a refused request with 500.
   */
  toRequestRefusal(): GraphQLError {
    return new GraphQLError(this.message, {
      extensions: {
        ...this.details,
        code: this.code,
        http: { status: REFUSAL_STATUS[this.code] ?? 400 },
      },
    });
  }
}

const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  FIELD_NOT_PERMITTED: 403,
  LEDGER_UNAVAILABLE: 503,
  BILLING_UNAVAILABLE: 503,
};
