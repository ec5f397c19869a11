import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnchoredNetwork, type AnchoredNetwork } from '../fixtures/anchored-network.js';

/**
 * Whatever an attacker sends, the gateway answers with a 4xx and a stable code, never a 500 and
 * never words from its insides (stack traces, parser overflows, the ledger contract's messages),
 * and resolves, records and charges nothing for a request it refuses.
 */
let network: AnchoredNetwork;
let device = '';

/** What a refusal must never carry. */
const INTERNAL =
  /stack|Maximum call|RangeError|TypeError|node:internal|\.ts:\d|contract refused|INVALID_ARGUMENT|Internal error/i;

/** Sends raw bytes as one HTTP/1.1 request and resolves with the status and body. */
function raw(head: Buffer): Promise<{ status: number; body: string }> {
  const url = new URL(network.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        body: text.slice(text.indexOf('\r\n\r\n') + 4),
      }),
    );
    socket.end(head);
  });
}

/** A POST with the application's headers and `extra` header bytes, exactly as given. */
function rawPost(extra: Buffer): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ query: `{ device(id: "${device}") { model } }` });
  const lines = [
    `POST / HTTP/1.1`,
    `host: gateway`,
    `content-type: application/json`,
    ...Object.entries(network.headers)
      .filter(([k]) => k !== 'x-gridmark-role')
      .map(([k, v]) => `${k}: ${v}`),
    `content-length: ${Buffer.byteLength(body)}`,
    `connection: close`,
  ];
  return raw(
    Buffer.concat([
      Buffer.from(`${lines.join('\r\n')}\r\n`),
      extra,
      Buffer.from(`\r\n\r\n${body}`),
    ]),
  );
}

/** Expects a clean refusal: the status, the code, nothing internal, nothing resolved. */
function expectRefusal(
  answer: {
    status: number;
    json: {
      errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
      extensions?: unknown;
    };
  },
  status: number,
  code: string,
): void {
  expect(answer.status, JSON.stringify(answer.json)).toBe(status);
  expect(answer.json.errors?.[0]?.extensions?.['code']).toBe(code);
  expect(JSON.stringify(answer.json)).not.toMatch(INTERNAL);
  expect(
    answer.json.extensions,
    'a refused request is neither resolved nor recorded',
  ).toBeUndefined();
}

beforeAll(async () => {
  network = await startAnchoredNetwork({ deviceCount: 2 });
  device = network.devices[0] ?? '';
}, 60_000);

afterAll(async () => {
  await network.stop();
});

describe('operations the gateway does not run', () => {
  it('refuses a subscription with 400 OPERATION_NOT_SUPPORTED, before resolving it', async () => {
    expectRefusal(
      await network.post({ query: `subscription { device(id: "${device}") { model } }` }),
      400,
      'OPERATION_NOT_SUPPORTED',
    );
  });

  it('refuses a mutation with 400 OPERATION_NOT_SUPPORTED, before resolving it', async () => {
    expectRefusal(
      await network.post({ query: `mutation { device(id: "${device}") { model } }` }),
      400,
      'OPERATION_NOT_SUPPORTED',
    );
    expectRefusal(
      await network.post({
        query: `query Q { device(id: "${device}") { model } } mutation M { device(id: "${device}") { model } }`,
        operationName: 'Q',
      }),
      400,
      'OPERATION_NOT_SUPPORTED',
    );
  });

  it('refuses several unnamed operations with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    expectRefusal(
      await network.post({
        query: `{ a: device(id: "${device}") { model } } { b: device(id: "${device}") { model } }`,
      }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('refuses several named operations without operationName, or a name the document lacks, with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const query = `query A { a: device(id: "${device}") { model } } query B { b: device(id: "${device}") { model } }`;
    expectRefusal(await network.post({ query }), 400, 'OPERATION_RESOLUTION_FAILURE');
    expectRefusal(
      await network.post({ query, operationName: 'C' }),
      400,
      'OPERATION_RESOLUTION_FAILURE',
    );
    expect((await network.post({ query, operationName: 'B' })).status).toBe(200);
  });
});

describe('malformed gridmark headers', () => {
  it('refuses a role that is not a role name with 400 BAD_HEADER, naming the header and not the ledger', async () => {
    for (const role of ['om; drop', 'OM', 'x'.repeat(2_000), '', '* om']) {
      expectRefusal(
        await network.post(
          { query: `{ device(id: "${device}") { model } }` },
          { ...network.headers, 'x-gridmark-role': role },
        ),
        400,
        'BAD_HEADER',
      );
    }
    const refused = await network.post(
      { query: `{ device(id: "${device}") { model } }` },
      { ...network.headers, 'x-gridmark-role': 'om; drop' },
    );
    expect(refused.json.errors?.[0]?.extensions).toEqual({
      code: 'BAD_HEADER',
      header: 'x-gridmark-role',
    });
    expect(refused.json.errors?.[0]?.message).not.toContain('drop');
  });

  it('refuses a function that is not a function name with 400 BAD_HEADER', async () => {
    for (const fn of ['life cycle', 'x'.repeat(65), '*']) {
      expectRefusal(
        await network.post(
          { query: `{ device(id: "${device}") { model } }` },
          { ...network.headers, 'x-gridmark-function': fn },
        ),
        400,
        'BAD_HEADER',
      );
    }
  });

  it('refuses non-printable header bytes with a 4xx and a JSON code, whether HTTP lets them through or not', async () => {
    const latin1 = await rawPost(
      Buffer.concat([Buffer.from('x-gridmark-role: om'), Buffer.from([0xe9])]),
    );
    expect(latin1.status).toBe(400);
    expect(JSON.parse(latin1.body)).toMatchObject({
      errors: [{ extensions: { code: 'BAD_HEADER', header: 'x-gridmark-role' } }],
    });
    for (const byte of [0x01, 0x00, 0x7f]) {
      const control = await rawPost(
        Buffer.concat([Buffer.from('x-gridmark-role: om'), Buffer.from([byte])]),
      );
      expect(control.status, `byte ${byte}`).toBeGreaterThanOrEqual(400);
      expect(control.status, `byte ${byte}`).toBeLessThan(500);
      expect(JSON.parse(control.body), `byte ${byte}`).toMatchObject({
        errors: [
          { extensions: { code: expect.stringMatching(/^(BAD_REQUEST|BAD_HEADER)$/) as unknown } },
        ],
      });
    }
  });

  it('answers headers over the size limit with 431 and a JSON code', async () => {
    const huge = await rawPost(Buffer.from(`x-gridmark-role: ${'x'.repeat(20_000)}`));
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toMatchObject({
      errors: [{ extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});

describe('documents that would exhaust the stack', () => {
  const nesting = { code: 'QUERY_TOO_COMPLEX', limit: { name: 'nesting', max: 64 } };

  it('refuses 100,000 nested list brackets in an argument with 400 QUERY_TOO_COMPLEX, unparsed', async () => {
    const answer = await network.post({
      query: `{ device(id: ${'['.repeat(100_000)}"x"${']'.repeat(100_000)}) { model } }`,
    });
    expectRefusal(answer, 400, 'QUERY_TOO_COMPLEX');
    expect(answer.json.errors?.[0]?.extensions).toEqual(nesting);
  });

  it('refuses 100,000 opening braces, and deeply nested selections', async () => {
    expectRefusal(await network.post({ query: '{'.repeat(100_000) }), 400, 'QUERY_TOO_COMPLEX');
    expectRefusal(
      await network.post({ query: `{ device(id: "${device}") ${'{ events '.repeat(20_000)} }` }),
      400,
      'QUERY_TOO_COMPLEX',
    );
  });

  it('refuses a deeply nested list value in variables, before anything is resolved', async () => {
    const body = `{"query":"query ($ids: [ID!]!) { devices(ids: $ids) { model } }","variables":{"ids":${'['.repeat(100_000)}"${device}"${']'.repeat(100_000)}}}`;
    const answer = await network.post(body);
    expectRefusal(answer, 400, 'QUERY_TOO_COMPLEX');
    expect(answer.json.errors?.[0]?.extensions).toEqual(nesting);
  });

  it('refuses a deep query sent with GET too', async () => {
    const url = new URL(network.url);
    url.searchParams.set('query', `{ device(id: ${'['.repeat(500)}"x"${']'.repeat(500)}) { id } }`);
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const json = (await response.json()) as {
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    expectRefusal({ status: response.status, json }, 400, 'QUERY_TOO_COMPLEX');
  });

  it('keeps answering ordinary queries afterwards', async () => {
    const answer = await network.post({ query: `{ device(id: "${device}") { model } }` });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual({ device: { model: expect.any(String) as unknown } });
  });
});
