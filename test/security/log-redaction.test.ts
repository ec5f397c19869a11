import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGatewayLogger } from '../../gateway/index.js';
import { LogCapture } from '../observability/log-capture.js';
import { startObservedNetwork, type ObservedNetwork } from '../observability/observed-network.js';

/**
 * No secret reaches the gateway's logs: application and admin keys, bearer tokens and grants,
 * whether sent where they belong, where they do not (a request id, a device id, a grant header
 * from a client), or written into a message by the gateway's own code.
 */
const QUERY = 'query ($ids: [ID!]!) { devices(ids: $ids) { id model outputPowerW } }';
const UNKNOWN_KEY = `gmk_abcdefabcdef_${'A'.repeat(43)}`;
const FORGED_GRANT = `${Buffer.from('{"v":1,"app":"x"}').toString('base64url')}.${'s'.repeat(86)}`;
const logs = new LogCapture();
let network: ObservedNetwork;

beforeAll(async () => {
  network = await startObservedNetwork({
    observability: { logging: { format: 'json', level: 'debug', destination: logs } },
  });
}, 60_000);
afterAll(async () => {
  await network?.stop();
});

describe('log redaction, attacked over HTTP', () => {
  it('logs none of the keys and grants that requests carry', async () => {
    const { apiKey } = network.app;
    const ids = network.devices;
    // Where they belong, where they do not, and wrong ones.
    await network.post({ query: QUERY, variables: { ids } });
    await network.post(
      { query: QUERY, variables: { ids } },
      { ...network.app.headers, 'x-request-id': apiKey },
    );
    await network.post(
      { query: QUERY, variables: { ids } },
      { ...network.app.headers, 'x-gridmark-grant': FORGED_GRANT },
    );
    await network.post(
      { query: QUERY, variables: { ids } },
      { authorization: `Bearer ${UNKNOWN_KEY}`, 'x-gridmark-function': 'monitoring' },
    );
    await network.post({ query: QUERY, variables: { ids: [`88.1001.1/${apiKey}`] } });
    await network.post({ query: `{ device(id: "${apiKey}") { id model } }` });
    await fetch(new URL('/registry', network.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${network.adminKey}` },
      body: JSON.stringify({
        query: `mutation { topUp(applicationId: "${apiKey}", amountFen: -1, paymentReference: "${network.adminKey}") { balanceFen } }`,
      }),
    });
    // The gateway sends grants to the systems: a tampered value makes it log about that request.
    network.makerRows.set(ids[0] ?? '', { model: 'FORGED', brand: 'Sunvolt' });
    await network.post({ query: QUERY, variables: { ids } });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const text = logs.text;
    expect(logs.lines().length).toBeGreaterThan(5);
    for (const secret of [
      apiKey,
      apiKey.split('_')[2] ?? apiKey,
      network.adminKey,
      UNKNOWN_KEY,
      FORGED_GRANT,
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/gmk_[a-z0-9]{12}_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/);
    // The key sent as a request id was replaced, not echoed.
    expect(logs.lines().some((l) => l['requestId'] === apiKey)).toBe(false);
  });
});

describe('log redaction in messages', () => {
  const message = (key: string) =>
    `refused Authorization: Bearer ${key}; grant ${FORGED_GRANT}; admin ${UNKNOWN_KEY}; -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----`;

  it('redacts secrets written into a JSON line', () => {
    const capture = new LogCapture();
    const logger = createGatewayLogger({
      name: 'test',
      format: 'json',
      level: 'debug',
      destination: capture,
    });
    logger.warn(message('gmk_zzzzzzzzzzzz_secretsecret'));
    expect(capture.text).not.toMatch(/gmk_|secretsecret|MC4CAQ|ssssssss/);
    expect(capture.lines()[0]?.['msg']).toBe(
      'refused Authorization: Bearer [REDACTED]; grant [REDACTED]; admin [REDACTED]; [REDACTED]',
    );
  });

  it('redacts secrets written into a readable line', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      createGatewayLogger({ name: 'test', format: 'pretty', level: 'debug' }).error(
        message(UNKNOWN_KEY),
      );
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('[test] refused Authorization: Bearer [REDACTED]');
    expect(written.join('')).not.toMatch(/gmk_|MC4CAQ|ssssssss/);
  });
});
