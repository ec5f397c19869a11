import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANT_HEADER, GridmarkError, signGrant } from '../../schema/index.js';
import { openGatewayKeys, type GatewayKeys } from './gateway-keys.js';
import { createKeyedSubgraph } from './keyed-subgraph.js';
import { serveSubgraph } from '../kit/index.js';

/** A gateway rotates its grant-signing key; the system follows its key set without a restart. */
const first = generateKeyPairSync('ed25519');
const second = generateKeyPairSync('ed25519');
let published: { publicKey: KeyObject }[] = [first];
let failing = false;
let fetches = 0;
let server: Server;
let jwksUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.endsWith('?counted') === true) fetches++;
    if (failing) {
      response.statusCode = 503;
      response.end();
      return;
    }
    response.setHeader('content-type', 'application/json');
    const keys = published.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), use: 'sig' }));
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const declaration = {
  name: 'weather',
  title: 'Weather',
  fields: [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.' }],
  loadDevices: () => Promise.resolve(new Map()),
};

function accessWith(subgraph: ReturnType<typeof createKeyedSubgraph>, key: KeyObject): string {
  const token = signGrant(
    {
      v: 1,
      app: 'APP-1',
      fn: 'f',
      role: '*',
      sys: 'weather',
      devices: ['88.1001.9/WS-1'],
      fields: ['irradianceWm2'],
      res: 'R',
      exp: Date.now() + 60_000,
      nonce: randomUUID(),
    },
    key,
  );
  const { access } = subgraph.createContext((name) => (name === GRANT_HEADER ? token : undefined));
  return access.kind === 'refused' ? String(access.error.details['reason']) : access.kind;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a subgraph over the gateway key set', () => {
  let keys: GatewayKeys;
  afterAll(() => keys.stop());

  it('follows a rotation: both keys in the overlap, then the new one alone', async () => {
    keys = await openGatewayKeys({ jwksUrl, refreshSeconds: 0.1 });
    const subgraph = createKeyedSubgraph(declaration, { keys });
    expect(accessWith(subgraph, first.privateKey)).toBe('granted');
    expect(accessWith(subgraph, second.privateKey)).toBe('UNKNOWN_KEY');

    published = [second, first];
    await settle(400);
    expect(accessWith(subgraph, second.privateKey)).toBe('granted');
    expect(accessWith(subgraph, first.privateKey)).toBe('granted');

    published = [second];
    await settle(400);
    expect(accessWith(subgraph, second.privateKey)).toBe('granted');
    expect(accessWith(subgraph, first.privateKey)).toBe('UNKNOWN_KEY');
  });

  it('keeps the keys it has while the key set cannot be fetched', async () => {
    failing = true;
    await settle(400);
    const subgraph = createKeyedSubgraph(declaration, { keys });
    expect(accessWith(subgraph, second.privateKey)).toBe('granted');
    failing = false;
  });

  it('refuses to start when the key set cannot be read, naming gateway.jwksUrl', async () => {
    failing = true;
    const error = await openGatewayKeys({ jwksUrl }).catch((e: unknown) => e);
    failing = false;
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({
      code: 'BAD_CONFIGURATION',
      details: { setting: 'gateway.jwksUrl' },
    });
  });

  it('catches a replayed grant whichever key signed it', () => {
    const subgraph = createKeyedSubgraph(declaration, { keys });
    const token = signGrant(
      {
        v: 1,
        app: 'APP-1',
        fn: 'f',
        role: '*',
        sys: 'weather',
        devices: [],
        fields: [],
        res: 'R',
        exp: Date.now() + 60_000,
        nonce: randomUUID(),
      },
      second.privateKey,
    );
    const read = () =>
      subgraph.createContext((name) => (name === GRANT_HEADER ? token : undefined)).access;
    expect(read().kind).toBe('granted');
    expect(read()).toMatchObject({ kind: 'refused', error: { details: { reason: 'REPLAYED' } } });
  });

  it("fetches the key set once for a rotated gateway's first grant, and at most every 30 s", async () => {
    published = [first];
    const slow = await openGatewayKeys({ jwksUrl: `${jwksUrl}?counted`, refreshSeconds: 3600 });
    const running = await serveSubgraph(createKeyedSubgraph(declaration, { keys: slow }), {
      port: 0,
    });
    const send = async (key: KeyObject) => {
      const token = signGrant(
        {
          v: 1,
          app: 'APP-1',
          fn: 'f',
          role: '*',
          sys: 'weather',
          devices: ['88.1001.9/WS-1'],
          fields: ['irradianceWm2'],
          res: 'R',
          exp: Date.now() + 60_000,
          nonce: randomUUID(),
        },
        key,
      );
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GRANT_HEADER]: token },
        body: JSON.stringify({
          query:
            '{ _entities(representations: [{ __typename: "Device", id: "88.1001.9/WS-1" }]) { ... on Device { irradianceWm2 } } }',
        }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { reason?: unknown } }[] };
      return body.errors?.[0]?.extensions?.reason ?? 'granted';
    };
    try {
      const before = fetches;
      // The gateway rotated: its new key signs at once, before the system's next scheduled fetch.
      published = [second, first];
      expect(await send(second.privateKey)).toBe('granted');
      expect(fetches).toBe(before + 1);
      // A key nobody publishes: refused, and the set is not fetched again within 30 s.
      const stranger = generateKeyPairSync('ed25519');
      expect(await send(stranger.privateKey)).toBe('UNKNOWN_KEY');
      expect(await send(stranger.privateKey)).toBe('UNKNOWN_KEY');
      expect(fetches).toBe(before + 1);
    } finally {
      await running.stop();
      slow.stop();
    }
  });
});
