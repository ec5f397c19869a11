import { GATEWAY_JWKS_PATH, type GrantPublicJwk } from '../../schema/index.js';
import type { GrantKeyRing } from '../config/index.js';
import type { HttpRoute } from '../http/index.js';

/** How long a business system may cache the key set, in seconds. */
const KEY_SET_MAX_AGE_S = 300;

/**
 * Serves the gateway's grant-verifying keys as a JWKS at {@link GATEWAY_JWKS_PATH}: the signing
 * key first, then each earlier key until its overlap ends (checked at every request, so a
 * retired key disappears without a restart).
 */
export function createKeySetRoute(
  ring: GrantKeyRing,
  jwks: readonly GrantPublicJwk[],
  now: () => Date = () => new Date(),
): HttpRoute {
  const entries = ring.published.map((key, i) => ({ key, jwk: jwks[i] }));
  return (request, response, url) => {
    if (url.pathname !== GATEWAY_JWKS_PATH) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' });
      response.end();
      return true;
    }
    const at = now();
    const keys = entries
      .filter(({ key }) => key === ring.signing || key.retiresAt === null || key.retiresAt > at)
      .map(({ jwk }) => jwk);
    const body = JSON.stringify({ keys });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': `max-age=${KEY_SET_MAX_AGE_S}`,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}
