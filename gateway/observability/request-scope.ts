import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { redactSecrets } from './secret-redaction.js';

/** The header that carries a request's id, in and out. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What one GraphQL operation of a request leaves for the request's metrics when it ends. */
export interface OperationRecord {
  /** The response as sent (billing and verification have changed it in place by then). */
  result?: {
    readonly data?: unknown;
    readonly errors?: readonly { readonly extensions?: Readonly<Record<string, unknown>> }[];
    readonly extensions?: Readonly<Record<string, unknown>>;
  };
  /** The operation's context, whose `access.verifications` say what was released. */
  context?: { readonly access?: { readonly verifications: readonly { status: string }[] } };
  /** The operation's span, when tracing is on. */
  span?: Span;
}

/** One request as it runs: its id, its operations and the span its work hangs under. */
export interface RequestScope {
  readonly requestId: string;
  readonly startedAt: bigint;
  readonly operations: OperationRecord[];
  /** The span that work started now is a child of; changed inside traced steps. */
  span: Span | undefined;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** The request being served in this asynchronous context, if any. */
export function currentScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** Runs `work` as request `requestId`: every log line and span started in it belongs to that request. */
export function runInRequest<T>(requestId: string, work: (scope: RequestScope) => T): T {
  const scope: RequestScope = {
    requestId,
    startedAt: process.hrtime.bigint(),
    operations: [],
    span: undefined,
  };
  return scopes.run(scope, () => work(scope));
}

/** Runs `work` with `span` as the parent of what it starts, in the same request. */
export function runUnderSpan<T>(span: Span | undefined, work: () => T): T {
  const scope = scopes.getStore();
  if (!scope || !span) return work();
  return scopes.run({ ...scope, operations: scope.operations, span }, work);
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request: the client's `x-request-id` when it is a sane token (1-128 of
 * `A-Z a-z 0-9 . _ : -`, so it cannot forge log lines or carry markup, and not shaped like a
 * secret), otherwise a new UUID.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  // A key sent as a request id would be written on every log line: it is replaced, not logged.
  return given !== undefined && SANE_REQUEST_ID.test(given) && redactSecrets(given) === given
    ? given
    : randomUUID();
}
