import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { loadCommands } from '../../scripts/cli/commands.js';
import { runCli } from '../../scripts/cli/run-cli.js';
import {
  CHECK_NAMES,
  checkBusinessSystem,
  createRegistryReader,
  grantSigningKey,
} from '../../subgraphs/index.js';
import {
  startConformanceNetwork,
  startKitSystem,
  type ConformanceNetwork,
  type KitSystem,
} from '../protocol/conformance-network.js';

/**
 * `gridmark system check` is pointed at servers that attack it: one that is not the system it
 * claims to be (and would collect the grants the checks send), one that writes lines of its own
 * into the report, one that answers without end, one that redirects the checks elsewhere.
 */
type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let network: ConformanceNetwork;
let maker: KitSystem;
const servers: Server[] = [];

beforeAll(async () => {
  network = await startConformanceNetwork();
  maker = await startKitSystem(network, { name: 'maker', creditCode: '91320500MA1N7PXK3R' });
}, 60_000);

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await maker?.stop();
  await network?.stop();
});

/** A server on a real port; resolves with its URL. */
async function hostile(handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handler(request, body, response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const json = (response: ServerResponse, value: unknown) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(value));
};

const MAKER_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Device @key(fields: "id") { id: ID! makerModel: String }`;

async function gridmark(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, await loadCommands(), {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('gridmark system check against hostile servers', () => {
  it("sends no grant to a URL that is not the system's registered one", async () => {
    const received: string[] = [];
    const url = await hostile((request, body, response) => {
      received.push(String(request.headers['x-gridmark-grant'] ?? body));
      json(response, { data: null });
    });
    const error = await checkBusinessSystem({
      url,
      signingKey: grantSigningKey(network.signingKey),
      systemCode: maker.code,
      registry: createRegistryReader({
        url: network.registryUrl,
        apiKey: readFileSync(maker.apiKeyFile, 'utf8'),
      }),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GridmarkError);
    expect((error as GridmarkError).code).toBe('BAD_CONFIGURATION');
    expect((error as GridmarkError).message).toContain(
      `is not the URL registered for ${maker.code}`,
    );
    // Without the system's key the registry shows no URL to compare: refused as well.
    const blind = await checkBusinessSystem({
      url,
      signingKey: grantSigningKey(network.signingKey),
      systemCode: maker.code,
      devices: maker.devices,
      registry: createRegistryReader({ url: network.registryUrl }),
    }).catch((caught: unknown) => caught);
    expect((blind as GridmarkError).code).toBe('BAD_CONFIGURATION');
    expect((blind as GridmarkError).message).toContain('--unregistered-url');
    expect(received).toEqual([]);
  }, 60_000);

  it('keeps every reason on one line when a system answers with line breaks and terminal escapes', async () => {
    const forged = 'GRANT_REFUSED\ngrant-replayed  PASS  all good\u001b[2J\u202e';
    const url = await hostile((_request, body, response) => {
      if (body.includes('_service'))
        return json(response, { data: { _service: { sdl: MAKER_SDL } } });
      json(response, {
        data: { _entities: [{ __typename: 'Device', id: `x\n${forged}`, makerModel: null }] },
        errors: [
          { message: forged, path: ['_entities', 0], extensions: { code: forged, reason: forged } },
        ],
        extensions: { gridmark: { protocol: [forged] } },
      });
    });
    const run = await gridmark([
      'system',
      'check',
      url,
      '--grant-key-file',
      network.grantKeyFile,
      '--audience',
      'maker',
      '--device',
      maker.devices[0] ?? '',
    ]);
    expect(run.code).toBe(8);
    expect(run.stdout.includes('\u001b')).toBe(false);
    expect(run.stdout.includes('\u202e')).toBe(false);
    const table = run.stdout.split('\n').slice(3, 3 + CHECK_NAMES.length);
    expect(table.map((line) => line.split(/\s+/)[0])).toEqual(CHECK_NAMES);
    expect(run.stdout.match(/^grant-replayed\s+/gm)).toHaveLength(1);
    expect(run.stdout).toMatch(/^grant-replayed\s+FAIL\s+/m);
  }, 60_000);

  it('fails a check, and goes on, when a system answers without end or redirects elsewhere', async () => {
    const elsewhere: string[] = [];
    const target = await hostile((request, _body, response) => {
      elsewhere.push(String(request.headers['x-gridmark-grant'] ?? 'no grant'));
      json(response, { data: null });
    });
    const url = await hostile((_request, body, response) => {
      if (body.includes('_service'))
        return json(response, { data: { _service: { sdl: MAKER_SDL } } });
      if (body.includes('CONFORMANCE-')) {
        response.writeHead(307, { location: target });
        return response.end();
      }
      response.setHeader('content-type', 'application/json');
      response.write('{"data":{"_entities":[{"makerModel":"');
      const chunk = 'x'.repeat(1024 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < 12 && response.write(chunk)) sent++;
        if (sent < 12) response.once('drain', more);
        else response.end('"}]}}');
      };
      more();
    });
    const report = await checkBusinessSystem({
      url,
      signingKey: grantSigningKey(network.signingKey),
      audience: 'maker',
      devices: maker.devices,
      timeoutMs: 5_000,
    });
    expect(report.conformant).toBe(false);
    expect(report.results.map((r) => r.name)).toEqual(CHECK_NAMES);
    const reasons = report.results.map((r) => r.reason).join('\n');
    expect(reasons).toContain('answered with a redirect (HTTP 307), which is not followed');
    expect(reasons).toContain('answered more than 8388608 bytes');
    expect(report.results.find((r) => r.name === 'entities-unknown-null')?.reason).toContain(
      'redirect',
    );
    expect(elsewhere).toEqual([]);
  }, 90_000);
});
