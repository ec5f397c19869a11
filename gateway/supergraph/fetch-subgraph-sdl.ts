import { GridmarkError, PROTOCOL_HEADER } from '../../schema/index.js';
import {
  ANY_NETWORK,
  OutboundRequestError,
  createOutboundClient,
  type OutboundClient,
  type OutboundResponse,
} from '../outbound/index.js';

/** For URLs the operator configured: any network, with the same scheme, redirect, deadline and size rules. */
let configuredUrls: OutboundClient | undefined;

/**
 * Asks a running subgraph for its SDL (`_service { sdl }`), as federation defines, through
 * `client`: the registry's, whose network policy guards applicant URLs, or by default one that
 * reaches any network (for subgraph URLs the operator configured). Either way: http(s) only, no
 * redirect followed, `timeoutMs` for the whole answer, and a size cap.
 *
 * @throws GridmarkError `URL_NOT_ALLOWED` when the client refuses the URL or its address;
 *   `SYSTEM_UNAVAILABLE` when the subgraph cannot be reached in time or does not answer like a
 *   federation subgraph (`details.reason`: `TIMEOUT`, `REDIRECT`, `RESPONSE_TOO_LARGE`,
 *   `UNREACHABLE`, `HTTP_STATUS`, `NOT_JSON` or `NO_SDL`).
 */
export async function fetchSubgraphSdl(
  name: string,
  url: string,
  timeoutMs: number,
  client?: OutboundClient,
): Promise<string> {
  const fail = (reason: string, message: string, cause?: unknown): never => {
    throw new GridmarkError(
      'SYSTEM_UNAVAILABLE',
      `Business system "${name}" did not serve its subgraph schema: ${message}`,
      {
        details: { system: name, reason },
        cause,
      },
    );
  };
  let response: OutboundResponse;
  try {
    response = await (
      client ?? (configuredUrls ??= createOutboundClient({ allow: ANY_NETWORK }))
    ).postJson(
      url,
      { query: '{ _service { sdl } }' },
      // Before a system has announced its versions it is spoken to in version 1.
      { timeoutMs, headers: { [PROTOCOL_HEADER]: '1' } },
    );
  } catch (cause) {
    if (cause instanceof GridmarkError) throw cause;
    if (cause instanceof OutboundRequestError) return fail(cause.reason, cause.message, cause);
    return fail('UNREACHABLE', 'unreachable', cause);
  }
  if (response.status < 200 || response.status >= 300)
    return fail('HTTP_STATUS', `HTTP ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch (cause) {
    return fail('NOT_JSON', 'the answer is not JSON', cause);
  }
  const sdl = (body as { data?: { _service?: { sdl?: unknown } } } | null)?.data?._service?.sdl;
  return typeof sdl === 'string' && sdl.length > 0
    ? sdl
    : fail('NO_SDL', 'the answer has no _service.sdl; is it a federation subgraph?');
}
