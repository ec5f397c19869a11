import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { GrantMinter, grantSigningKey } from '../../subgraphs/index.js';

/** What a deliberately broken business system gets wrong. */
export type Weakness =
  'accepts-replays' | 'ignores-audience' | 'ignores-expiry' | 'wrong-salt' | 'breaks-schema-rules';

/** A broken system on a real port. */
export interface BrokenSystem {
  readonly url: string;
  stop(): Promise<void>;
}

interface Claims {
  readonly aud?: unknown;
  readonly iat?: unknown;
  readonly exp?: unknown;
  readonly jti?: unknown;
  readonly devices?: readonly string[];
  readonly fields?: readonly string[];
}

/**
 * A business system written by hand that checks grants itself, with one weakness, in front of a
 * kit system that holds the data and the journal: it checks the grant it is sent (signature, typ,
 * audience, expiry, replay), all but what its weakness leaves out, then asks the kit with a fresh
 * grant of the same devices and fields. It takes no sealed grants. `wrong-salt` serves one salt
 * that is not the journal's; `breaks-schema-rules` answers `_service` with a root field of its own.
 */
export async function serveBrokenSystem(options: {
  readonly weakness: Weakness;
  /** The kit system behind it. */
  readonly behind: string;
  readonly audience: string;
  /** The gateway's key: the one it trusts, and the one it asks the kit with. */
  readonly gatewayKey: KeyObject;
  readonly gatewayPublicKey: KeyObject;
}): Promise<BrokenSystem> {
  const minter = new GrantMinter(grantSigningKey(options.gatewayKey), options.audience);
  const kid = grantSigningKey(options.gatewayKey).kid;
  const seen = new Set<string>();

  /** The refusal reason of an outer grant, or its claims when this system lets it in. */
  const judge = (token: string): string | Claims => {
    const parts = token.split('.');
    if (parts.length !== 3) return 'MALFORMED';
    const [headerText = '', claimsText = '', signature = ''] = parts;
    let header: Record<string, unknown>;
    let claims: Claims;
    try {
      header = JSON.parse(Buffer.from(headerText, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      claims = JSON.parse(Buffer.from(claimsText, 'base64url').toString()) as Claims;
    } catch {
      return 'MALFORMED';
    }
    const { iat, exp, jti } = claims;
    if (header['alg'] !== 'EdDSA' || header['typ'] !== 'gridmark-grant+jwt') return 'MALFORMED';
    if (typeof iat !== 'number' || typeof exp !== 'number' || typeof jti !== 'string')
      return 'MALFORMED';
    if (exp - iat < 1 || exp - iat > 300) return 'MALFORMED';
    if (header['kid'] !== kid) return 'UNKNOWN_KEY';
    const data = Buffer.from(`${headerText}.${claimsText}`);
    if (!verify(null, data, options.gatewayPublicKey, Buffer.from(signature, 'base64url')))
      return 'BAD_SIGNATURE';
    const now = Date.now() / 1000;
    if (options.weakness !== 'ignores-audience' && claims.aud !== options.audience)
      return 'WRONG_SYSTEM';
    if (options.weakness !== 'ignores-expiry' && now > exp + 30) return 'EXPIRED';
    if (iat > now + 30) return 'NOT_YET_VALID';
    if (options.weakness !== 'accepts-replays') {
      if (seen.has(jti)) return 'REPLAYED';
      seen.add(jti);
    }
    return claims;
  };

  const forward = async (
    request: IncomingMessage,
    body: string,
    grant?: string,
  ): Promise<Record<string, unknown>> => {
    const version = request.headers['x-gridmark-protocol'];
    const response = await fetch(options.behind, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(typeof version === 'string' ? { 'x-gridmark-protocol': version } : {}),
        ...(grant === undefined ? {} : { 'x-gridmark-grant': grant }),
      },
      body,
    });
    const answer = (await response.json()) as Record<string, unknown>;
    // This system takes no sealed grants, so it announces no grant key of the kit's.
    const gridmark = (answer['extensions'] as { gridmark?: Record<string, unknown> } | undefined)
      ?.gridmark;
    if (gridmark) delete gridmark['grantKey'];
    return answer;
  };

  const answer = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const { query, variables } = JSON.parse(body) as {
      query: string;
      variables?: { representations?: unknown[] };
    };
    if (query.includes('_service')) {
      const served = await forward(request, body);
      if (options.weakness !== 'breaks-schema-rules') return served;
      const data = served['data'] as { _service: { sdl: string } };
      return {
        ...served,
        data: {
          _service: { sdl: `${data._service.sdl}\nextend type Query { secrets: String }\n` },
        },
      };
    }
    const token = request.headers['x-gridmark-grant'];
    if (typeof token !== 'string') return forward(request, body);
    const judged = judge(token);
    if (typeof judged === 'string') return refusal(judged, variables?.representations?.length ?? 1);
    const inner = minter.sign(minter.claims(judged.devices ?? [], judged.fields ?? []));
    const served = await forward(request, body, inner);
    return options.weakness === 'wrong-salt' ? withWrongSalt(served) : served;
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    answer(request)
      .then((body) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(body));
      })
      .catch(() => {
        response.statusCode = 500;
        response.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function refusal(reason: string, count: number): Record<string, unknown> {
  return {
    data: { _entities: Array.from({ length: count }, () => null) },
    errors: Array.from({ length: count }, (_, i) => ({
      message: 'The grant is refused.',
      path: ['_entities', i],
      extensions: { code: 'GRANT_REFUSED', reason },
    })),
    extensions: { gridmark: { protocol: [1] } },
  };
}

/** The answer with the first salt it proves replaced by another well-formed one. */
function withWrongSalt(served: Record<string, unknown>): Record<string, unknown> {
  const gridmark = (
    served['extensions'] as
      { gridmark?: { proofs?: { salts?: Record<string, Record<string, string>> } } } | undefined
  )?.gridmark;
  const salts = gridmark?.proofs?.salts ?? {};
  for (const bySalt of Object.values(salts)) {
    const field = Object.keys(bySalt)[0];
    if (field !== undefined) {
      bySalt[field] = 'AAAAAAAAAAAAAAAAAAAAAA';
      break;
    }
  }
  return served;
}
