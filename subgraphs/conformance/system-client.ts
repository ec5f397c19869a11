import { GRANT_HEADER, GridmarkError } from '../../schema/index.js';

/** A GraphQL error as a system answers it. */
export interface AnswerError {
  readonly message?: unknown;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A GraphQL response body as the system answered it. */
export interface GraphqlBody {
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly errors?: readonly AnswerError[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** One answer of the system, with the check that asked for it. */
export interface SystemAnswer {
  readonly check: string;
  readonly status: number;
  readonly body: GraphqlBody;
}

/** The header that names the protocol version of a request. */
export const PROTOCOL_HEADER = 'x-gridmark-protocol';

/** The protocol version the checks speak. */
export const PROTOCOL_VERSION = 1;

/** The most a system's answer may weigh before the checks stop reading it. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * Posts GraphQL operations to one business system as the gateway does: JSON over HTTP POST with
 * `x-gridmark-protocol` and, when given, `x-gridmark-grant`; a deadline, no redirects, a size cap.
 * Every answer is kept, so that a check can look at all of them.
 */
export class SystemClient {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #answers: SystemAnswer[] = [];

  constructor(url: string, timeoutMs: number) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  get answers(): readonly SystemAnswer[] {
    return this.#answers;
  }

  /**
   * Sends one operation on behalf of `check`, with `grant` when given.
   *
   * @throws GridmarkError `SYSTEM_UNAVAILABLE` when the system does not answer in time, answers
   *   with a redirect, too much, or something that is not a JSON object.
   */
  async post(
    check: string,
    query: string,
    variables: Readonly<Record<string, unknown>>,
    grant?: string,
    /** The version to name in `x-gridmark-protocol`, when not the one the checks speak. */
    protocol: string = String(PROTOCOL_VERSION),
  ): Promise<SystemAnswer> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [PROTOCOL_HEADER]: protocol,
          ...(grant === undefined ? {} : { [GRANT_HEADER]: grant }),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw unavailable(`did not answer within ${this.#timeoutMs} ms`, cause);
    }
    if (response.status >= 300 && response.status < 400)
      throw unavailable(
        `answered with a redirect (HTTP ${response.status}), which is not followed`,
      );
    const body = await this.#readBody(response);
    const answer = { check, status: response.status, body };
    this.#answers.push(answer);
    return answer;
  }

  async #readBody(response: Response): Promise<GraphqlBody> {
    const reader = response.body?.getReader() as
      ReadableStreamDefaultReader<Uint8Array> | undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (reader) {
      const next = await reader.read().catch(() => undefined);
      if (!next) throw unavailable(`answered HTTP ${response.status} and broke off`);
      if (next.done) break;
      size += next.value.byteLength;
      if (size > MAX_ANSWER_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw unavailable(`answered more than ${MAX_ANSWER_BYTES} bytes`);
      }
      chunks.push(next.value);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (cause) {
      throw unavailable(`answered HTTP ${response.status} without JSON`, cause);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw unavailable(
        `answered HTTP ${response.status} with JSON that is not a GraphQL response`,
      );
    return parsed;
  }
}

function unavailable(what: string, cause?: unknown): GridmarkError {
  return new GridmarkError('SYSTEM_UNAVAILABLE', `The business system ${what}.`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
