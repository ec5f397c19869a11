import { GridmarkError } from '../../schema/index.js';

/**
 * Asks a running subgraph for its SDL (`_service { sdl }`), as federation defines.
 *
 * @throws GridmarkError `SYSTEM_UNAVAILABLE` when the subgraph cannot be reached in time or does
 *   not answer like a federation subgraph.
 */
export async function fetchSubgraphSdl(name: string, url: string, timeoutMs: number): Promise<string> {
  const fail = (reason: string, cause?: unknown): never => {
    throw new GridmarkError('SYSTEM_UNAVAILABLE', `Business system "${name}" did not serve its subgraph schema: ${reason}`, {
      details: { system: name },
      cause,
    });
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    return fail(cause instanceof Error && cause.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable', cause);
  }
  if (!response.ok) return fail(`HTTP ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    return fail('the answer is not JSON', cause);
  }
  const sdl = (body as { data?: { _service?: { sdl?: unknown } } } | null)?.data?._service?.sdl;
  return typeof sdl === 'string' && sdl.length > 0 ? sdl : fail('the answer has no _service.sdl; is it a federation subgraph?');
}
