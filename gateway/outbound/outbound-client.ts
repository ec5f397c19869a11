import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { GridmarkError } from '../../schema/index.js';
import {
  createNetworkPolicy,
  type NetworkPolicy,
  type OutboundNetworks,
} from './network-policy.js';

/** How calls to applicant URLs are constrained: the networks they may reach, a deadline, a size cap. */
export interface OutboundOptions extends OutboundNetworks {
  /** Deadline of one request, from connecting to the last byte of the answer (default 3 s). */
  readonly timeoutMs?: number;
  /** Answers longer than this are cut off and refused (default 1 MiB). */
  readonly maxResponseBytes?: number;
  /** Name resolution; by default the operating system's. Each address it gives is checked before use. */
  readonly resolve?: (
    hostname: string,
  ) => Promise<readonly { readonly address: string; readonly family: number }[]>;
}

/**
 * The outbound options of a network run on one machine (the demo, tests): loopback admitted,
 * every other restricted network still refused. Never the default.
 */
export const DEVELOPMENT_OUTBOUND: OutboundOptions = { allow: ['127.0.0.0/8', '::1/128'] };

/** Why an outbound request failed, other than a refused URL. */
export type OutboundFailureReason = 'TIMEOUT' | 'REDIRECT' | 'RESPONSE_TOO_LARGE' | 'UNREACHABLE';

/** An outbound request that failed after its URL was admitted: `reason` says how. */
export class OutboundRequestError extends Error {
  override readonly name = 'OutboundRequestError';
  constructor(
    readonly reason: OutboundFailureReason,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An answer, read whole (within the size cap). */
export interface OutboundResponse {
  readonly status: number;
  readonly body: string;
}

/** The registry's client for applicant URLs. */
export interface OutboundClient {
  /**
   * POSTs `body` as JSON to `url` and reads the answer. http and https only, no credentials in
   * the URL, no redirect followed, the host's resolved address checked and that address the one
   * connected to, a deadline and a size cap.
   * @throws GridmarkError `URL_NOT_ALLOWED` (`details.reason` `SCHEME`, `CREDENTIALS`, `ADDRESS`);
   * {@link OutboundRequestError} for a timeout, a redirect, an oversized answer or a transport failure.
   */
  postJson(
    url: string,
    body: unknown,
    options?: { readonly timeoutMs?: number; readonly headers?: Readonly<Record<string, string>> },
  ): Promise<OutboundResponse>;
  /**
   * Checks the scheme and credentials of `url` (not its address, which is checked when it is called).
   * @throws GridmarkError `URL_NOT_ALLOWED`.
   */
  checkUrl(url: string): URL;
  /** A `lookup` for Node's `http` and `net` that resolves, refuses restricted addresses and hands on only admitted ones. */
  readonly lookup: LookupFunction;
}

const DEFAULT_TIMEOUT_MS = 3_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

function notAllowed(reason: 'SCHEME' | 'CREDENTIALS' | 'ADDRESS', message: string): GridmarkError {
  return new GridmarkError('URL_NOT_ALLOWED', message, { details: { field: 'url', reason } });
}

/** Creates the client; the networks are checked now. @throws GridmarkError `BAD_CONFIGURATION` for a malformed network. */
export function createOutboundClient(options: OutboundOptions = {}): OutboundClient {
  const policy = createNetworkPolicy(options);
  const resolve =
    options.resolve ?? ((hostname: string) => dnsLookup(hostname, { all: true, verbatim: true }));
  const lookup = guardedLookup(policy, resolve);
  const checkUrl = (text: string): URL => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw notAllowed('SCHEME', 'the URL is not a URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw notAllowed(
        'SCHEME',
        `the registry calls http and https URLs only, not ${url.protocol.replace(/:$/, '')}.`,
      );
    if (url.username !== '' || url.password !== '')
      throw notAllowed('CREDENTIALS', 'the URL must not carry a user name or password.');
    return url;
  };
  return {
    checkUrl,
    lookup,
    async postJson(text, body, request = {}) {
      const url = checkUrl(text);
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      // An address in the URL is connected to as it is: no lookup runs, so it is checked here.
      if (isIP(host) !== 0 && !policy.admits(host))
        throw notAllowed(
          'ADDRESS',
          'the URL names an address in a network the registry does not call.',
        );
      return send(url, Buffer.from(JSON.stringify(body)), {
        lookup,
        timeoutMs: request.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        headers: request.headers ?? {},
      });
    },
  };
}

/**
 * A `lookup` that resolves `hostname`, drops every address the policy refuses and hands on the
 * rest, so the socket connects to an address that was checked (no second resolution a DNS answer
 * could change in between).
 */
function guardedLookup(
  policy: NetworkPolicy,
  resolve: NonNullable<OutboundOptions['resolve']>,
): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const family =
          lookupOptions.family === 4 || lookupOptions.family === 6
            ? lookupOptions.family
            : undefined;
        const admitted = addresses.filter(
          (a) => (family === undefined || a.family === family) && policy.admits(a.address),
        );
        const first = admitted[0];
        if (first === undefined) {
          callback(
            notAllowed(
              'ADDRESS',
              "the URL's host resolves only to addresses in networks the registry does not call.",
            ),
            '',
            0,
          );
          return;
        }
        if (lookupOptions.all === true)
          (
            callback as unknown as (
              error: null,
              addresses: { address: string; family: number }[],
            ) => void
          )(
            null,
            admitted.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

/** One POST over a fresh connection: settles once, with the answer or the first failure. */
function send(
  url: URL,
  body: Buffer,
  options: {
    readonly lookup: LookupFunction;
    readonly timeoutMs: number;
    readonly maxBytes: number;
    readonly headers: Readonly<Record<string, string>>;
  },
): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...options.headers,
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': body.length,
    };
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers,
      agent: false,
      lookup: options.lookup,
    });
    let settled = false;
    const finish = (
      outcome: { readonly error: Error } | { readonly response: OutboundResponse },
    ): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('error' in outcome) {
        request.destroy();
        reject(outcome.error);
      } else resolve(outcome.response);
    };
    const fail = (reason: OutboundFailureReason, message: string, cause?: unknown): void =>
      finish({ error: new OutboundRequestError(reason, message, { cause }) });
    const timer = setTimeout(
      () => fail('TIMEOUT', `no whole answer within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    request.once('error', (error: Error) =>
      error instanceof GridmarkError
        ? finish({ error })
        : fail('UNREACHABLE', 'unreachable', error),
    );
    request.once('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      response.once('error', (error: Error) => fail('UNREACHABLE', 'the answer broke off', error));
      if (status >= 300 && status < 400)
        return fail(
          'REDIRECT',
          `answered with a redirect (HTTP ${status}), which the registry does not follow`,
        );
      if (Number(response.headers['content-length'] ?? 0) > options.maxBytes)
        return fail('RESPONSE_TOO_LARGE', `the answer is longer than ${options.maxBytes} bytes`);
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > options.maxBytes)
          fail('RESPONSE_TOO_LARGE', `the answer is longer than ${options.maxBytes} bytes`);
        else chunks.push(chunk);
      });
      response.once('end', () =>
        finish({ response: { status, body: Buffer.concat(chunks, length).toString('utf8') } }),
      );
    });
    request.end(body);
  });
}
