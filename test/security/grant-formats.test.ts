import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createGrantKeyFile,
  createKeySetRoute,
  createRegistry,
  grantKeySet,
  openSqliteRegistryStore,
  readGrantKeyFile,
  type Gateway,
  type Registry,
} from '../../gateway/index.js';
import { TEST_ADMIN as ADMIN, onboardEnterprise } from '../../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../../ledger-adapter/index.js';
import {
  GATEWAY_JWKS_PATH,
  GRANT_HEADER,
  PROTOCOL_HEADER,
  grantKeyId,
  silentLogger,
} from '../../schema/index.js';
import {
  defineSubgraph,
  serveSubgraph,
  type RunningSubgraph,
  type Subgraph,
  type SubgraphDeclaration,
} from '../../subgraphs/index.js';

/**
 * The grant's wire format under attack: a gateway started with its grant key file and its key set
 * route, as `gridmark serve` starts one, and two business systems over HTTP. A real grant the
 * gateway sent verifies with `jose` against the served key set and with plain Ed25519 over
 * `header.payload`; every crafted grant is refused for the reason the protocol names.
 */
let dir: string;
let ledger: LedgerAdapter;
let registry: Registry;
let gateway: Gateway;
let gatewayUrl: string;
let signingKey: KeyObject;
const served: RunningSubgraph[] = [];
const seen: { grant?: string; protocol?: string }[] = [];
let appHeaders: Record<string, string>;
/** What the systems received from the gateway (before the tests sent anything of their own). */
let fromGateway: readonly { grant?: string; protocol?: string }[] = [];

const declaration = (name: string, field: string): SubgraphDeclaration => ({
  name,
  title: name,
  fields: [{ name: field, type: 'String', description: `${field}.` }],
  loadDevices: (ids) =>
    Promise.resolve(new Map(ids.map((id) => [id, { [field]: `${field} of ${id}` }]))),
});

/** A subgraph that notes the grant and protocol headers of each request it gets. */
function recording(subgraph: Subgraph): Subgraph {
  return {
    ...subgraph,
    createContext(headers) {
      const grant = headers?.(GRANT_HEADER);
      const protocol = headers?.(PROTOCOL_HEADER);
      seen.push({ ...(grant ? { grant } : {}), ...(protocol ? { protocol } : {}) });
      return subgraph.createContext(headers);
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridmark-grant-formats-'));
  await createGrantKeyFile(join(dir, 'grant-keys.json'));
  const ring = readGrantKeyFile(join(dir, 'grant-keys.json'));
  signingKey = ring.signing.privateKey;
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
  });
  gateway = createGateway({
    registry,
    access: { ledger, signingKey },
    logger: silentLogger,
    routes: [createKeySetRoute(ring, (await grantKeySet(ring)).keys)],
  });
  await gateway.start();
  gatewayUrl = await gateway.listen(0);
  const access = { kind: 'grants' as const, gatewayPublicKey: ring.signing.publicKey };
  const systems = [
    ['maker', 'model', '91320500MA1N7PXK3R'],
    ['scada', 'outputPowerW', '91640100MA77LQ3F21'],
  ] as const;
  const fieldCodes: string[] = [];
  for (const [name, field, creditCode] of systems) {
    const running = await serveSubgraph(
      recording(defineSubgraph(declaration(name, field), { access })),
      { port: 0 },
      { logger: silentLogger },
    );
    served.push(running);
    const { caller } = await onboardEnterprise(registry, { creditCode, name: `${name} Co.` });
    const { system } = await registry.registerSystem(caller, {
      creditCode,
      systemName: name,
      subgraphName: name,
      description: name,
      url: running.url,
    });
    const fields = await registry.registerFields(ADMIN, system.code, [{ name: field, feeFen: 1 }]);
    fieldCodes.push(...fields.map((f) => f.code));
  }
  await registry.registerDevices(ADMIN, '88.1001.1', [{ localCode: 'INV-1', kind: 'INVERTER' }]);
  await registry.claimDevices(ADMIN, '88.1001.2', [
    { identifier: '88.1001.1/INV-1', localCode: 'S-1' },
  ]);
  const app = await registry.registerApplication(ADMIN, { name: 'lifecycle', roles: ['om'] });
  await registry.publishRule(ADMIN, {
    appId: app.application.appId,
    function: 'lifecycle',
    role: 'om',
    fieldCodes,
  });
  appHeaders = {
    authorization: `Bearer ${app.apiKey}`,
    'x-gridmark-function': 'lifecycle',
    'x-gridmark-role': 'om',
  };
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...appHeaders },
    body: JSON.stringify({ query: '{ device(id: "88.1001.1/INV-1") { model outputPowerW } }' }),
  });
  expect(response.status).toBe(200);
  fromGateway = [...seen];
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await Promise.all(served.map((s) => s.stop()));
  await registry.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const decode = (part: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** The first grant the gateway sent to the maker, signed (no channel was open yet). */
function gatewayGrant(): string {
  const grant = fromGateway.find(
    (s) => s.grant && decode(s.grant.split('.')[1])['aud'] === 'maker',
  )?.grant;
  if (!grant) throw new Error('the gateway sent the maker no grant');
  return grant;
}

/** A token over header and claims as given (text), signed with Ed25519 by `key`. */
function signed(header: string, claims: string, key: KeyObject = signingKey): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** Fresh claims like the gateway's grant to the maker, with changes, as JSON text. */
function claims(over: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    ...decode(gatewayGrant().split('.')[1]),
    iat: now,
    exp: now + 30,
    jti: `attack-${Math.random().toString(36).slice(2)}`,
    ...over,
  });
}

const header = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ alg: 'EdDSA', kid: grantKeyId(signingKey), typ: 'gridmark-grant+jwt', ...over });

/** Sends a grant straight to a system and returns its refusal reason, or 'granted'. */
async function sendTo(
  system: 'maker' | 'scada',
  token: string,
  protocol?: string,
): Promise<unknown> {
  const url = served[system === 'maker' ? 0 : 1]?.url ?? '';
  const field = system === 'maker' ? 'model' : 'outputPowerW';
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [GRANT_HEADER]: token,
      ...(protocol === undefined ? {} : { [PROTOCOL_HEADER]: protocol }),
    },
    body: JSON.stringify({
      query: `{ _entities(representations: [{ __typename: "Device", id: "88.1001.1/INV-1" }]) { ... on Device { ${field} } } }`,
    }),
  });
  if (response.status !== 200) return `HTTP ${response.status}`;
  const body = (await response.json()) as {
    data?: { _entities?: unknown[] };
    errors?: { extensions?: { reason?: unknown; code?: unknown } }[];
  };
  const error = body.errors?.[0]?.extensions;
  return error?.code === 'PROTOCOL_UNSUPPORTED' ? error.code : (error?.reason ?? 'granted');
}

describe('a real grant from the gateway', () => {
  it('verifies with jose against the key set the gateway serves', async () => {
    const jwks = (await (
      await fetch(new URL(GATEWAY_JWKS_PATH, gatewayUrl))
    ).json()) as JSONWebKeySet;
    const token = gatewayGrant();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      typ: 'gridmark-grant+jwt',
      audience: 'maker',
      // The grant was issued when the query ran, moments ago.
      maxTokenAge: '5 minutes',
    });
    expect(protectedHeader).toEqual({
      alg: 'EdDSA',
      kid: jwks.keys[0]?.kid,
      typ: 'gridmark-grant+jwt',
    });
    expect(payload).toMatchObject({
      ver: 1,
      aud: 'maker',
      devices: ['88.1001.1/INV-1'],
      fields: ['model'],
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(30);
  });

  it('verifies as plain Ed25519 over header.payload with the raw key the set names by kid', async () => {
    // As a system in another language checks it: no JOSE library, the key from its 32 raw bytes.
    const jwks = (await (await fetch(new URL(GATEWAY_JWKS_PATH, gatewayUrl))).json()) as {
      keys: { kid: string; x: string }[];
    };
    const [h, p, s] = gatewayGrant().split('.');
    const jwk = jwks.keys.find((k) => k.kid === decode(h)['kid']);
    const spki = Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(jwk?.x ?? '', 'base64url'),
    ]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s ?? '', 'base64url'))).toBe(
      true,
    );
    expect(verify(null, Buffer.from(`${h}.${p}x`), key, Buffer.from(s ?? '', 'base64url'))).toBe(
      false,
    );
  });

  it('answers with the versions the system speaks, and refuses one it does not', async () => {
    const ask = async (headers: Record<string, string>) => {
      const response = await fetch(served[0]?.url ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      return (await response.json()) as {
        errors?: { extensions?: Record<string, unknown> }[];
        extensions?: { gridmark?: { protocol?: unknown } };
      };
    };
    expect((await ask({})).extensions?.gridmark?.protocol).toEqual([1]);
    const refused = await ask({
      [GRANT_HEADER]: signed(header(), claims()),
      [PROTOCOL_HEADER]: '2',
    });
    expect(refused.extensions?.gridmark?.protocol).toEqual([1]);
    expect(await sendTo('maker', signed(header(), claims()), '2')).toBe('PROTOCOL_UNSUPPORTED');
    expect(await sendTo('maker', signed(header(), claims()), 'one')).toBe('PROTOCOL_UNSUPPORTED');
  });

  it('came with x-gridmark-protocol 1 on every request', () => {
    expect(fromGateway.length).toBeGreaterThan(2);
    for (const request of fromGateway) expect(request.protocol).toBe('1');
  });
});

describe('crafted grants', () => {
  it('refuses alg none', async () => {
    const token = `${b64(header({ alg: 'none' }))}.${b64(claims())}.`;
    expect(await sendTo('maker', token)).toBe('MALFORMED');
  });

  it('refuses alg HS256 keyed with the gateway public key', async () => {
    const raw = Buffer.from(
      String(createPublicKey(signingKey).export({ format: 'jwk' }).x),
      'base64url',
    );
    const pem = createPublicKey(signingKey).export({ type: 'spki', format: 'pem' });
    for (const secret of [raw, Buffer.from(pem)]) {
      const input = `${b64(header({ alg: 'HS256' }))}.${b64(claims())}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(await sendTo('maker', token)).toBe('MALFORMED');
    }
  });

  it('refuses a wrong typ, and a crit header', async () => {
    expect(await sendTo('maker', signed(header({ typ: 'JWT' }), claims()))).toBe('MALFORMED');
    expect(await sendTo('maker', signed(header({ typ: undefined }), claims()))).toBe('MALFORMED');
    expect(await sendTo('maker', signed(header({ crit: ['exp'] }), claims()))).toBe('MALFORMED');
  });

  it("refuses another key's signature under the gateway's kid, and another key's own kid", async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    expect(await sendTo('maker', signed(header(), claims(), stranger))).toBe('BAD_SIGNATURE');
    expect(
      await sendTo('maker', signed(header({ kid: grantKeyId(stranger) }), claims(), stranger)),
    ).toBe('UNKNOWN_KEY');
  });

  it('refuses an exp in milliseconds, however well signed', async () => {
    const now = Date.now();
    expect(await sendTo('maker', signed(header(), claims({ exp: now + 30_000 })))).toBe(
      'MALFORMED',
    );
    expect(await sendTo('maker', signed(header(), claims({ iat: now, exp: now + 30_000 })))).toBe(
      'MALFORMED',
    );
  });

  it('refuses claims naming a member twice, whichever copy a reader would keep', async () => {
    const text = claims();
    for (const twice of [
      text.replace('"aud":"maker"', '"aud":"scada","aud":"maker"'),
      text.replace('"aud":"maker"', '"aud":"maker","aud":"scada"'),
      text.replace('"fields":["model"]', '"fields":["model"],"fields":["model","brand"]'),
      text.replace('"aud":"maker"', '"aud":"maker","\\u0061ud":"scada"'),
    ]) {
      expect(twice).not.toBe(text);
      expect(await sendTo('maker', signed(header(), twice))).toBe('MALFORMED');
    }
  });

  it("refuses the maker's grant replayed at another system", async () => {
    const token = signed(header(), claims());
    expect(await sendTo('scada', token)).toBe('WRONG_SYSTEM');
    expect(await sendTo('maker', token)).toBe('granted');
    expect(await sendTo('maker', token)).toBe('REPLAYED');
  });

  it("refuses the gateway's own signature over a widened payload", async () => {
    const [h, p, s] = gatewayGrant().split('.');
    const widened = {
      ...decode(p),
      fields: ['model', 'brand'],
      devices: ['88.1001.1/INV-1', '88.1001.1/INV-2'],
    };
    expect(await sendTo('maker', `${h ?? ''}.${b64(JSON.stringify(widened))}.${s ?? ''}`)).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('bounds the size of a grant: a huge header part is refused, a huge token never read', async () => {
    const big = header({ pad: 'A'.repeat(2_000) });
    expect(await sendTo('maker', signed(big, claims()))).toBe('MALFORMED');
    // Past what HTTP servers read as one header (16 KB in Node), the request never reaches the check.
    const huge = signed(
      header(),
      claims({ devices: Array.from({ length: 3_000 }, (_, i) => `88.1001.1/INV-${i}`) }),
    );
    expect(await sendTo('maker', huge)).toMatch(/^HTTP 431$|^MALFORMED$/);
  });
});
