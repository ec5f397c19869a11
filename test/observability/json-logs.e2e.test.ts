import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from './log-capture.js';
import { startObservedNetwork, type ObservedNetwork } from './observed-network.js';

/** The gateway's JSON logs over real HTTP: one JSON object per line, each line of a request naming it. */
const QUERY = 'query ($ids: [ID!]!) { devices(ids: $ids) { id model brand outputPowerW } }';
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

describe('JSON logs', () => {
  it('writes every line as JSON with level, time, component and msg', () => {
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({
        level: expect.stringMatching(/^(debug|info|warn|error)$/) as unknown,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        component: 'gateway',
        msg: expect.any(String) as unknown,
      });
    }
  });

  it('names the request on every line written while it runs, a tamper warning included', async () => {
    const [first] = network.devices;
    network.makerRows.set(first ?? '', { model: 'FORGED', brand: 'Sunvolt' });
    const reply = await network.post(
      { query: QUERY, variables: { ids: [first] } },
      { ...network.app.headers, 'x-request-id': 'log-test-1' },
    );
    expect(reply.headers.get('x-request-id')).toBe('log-test-1');
    // Tamper reports are logged once their record is queued, just after the answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mine = logs.lines().filter((l) => l['requestId'] === 'log-test-1');
    expect(mine.map((l) => l['level'])).toContain('warn');
    expect(mine.some((l) => /tamper/i.test(String(l['msg'])))).toBe(true);
    const answered = mine.find((l) => String(l['msg']).startsWith('answered'));
    expect(answered).toMatchObject({ level: 'debug' });
    expect(String(answered?.['msg'])).toMatch(/^answered TAMPERED in \d+\.\d ms \(HTTP 200\)$/);
  });

  it('keeps the lines of concurrent requests apart', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        network.post({ query: '{ __typename }' }, { 'x-request-id': `concurrent-${id}` }),
      ),
    );
    for (const id of ['a', 'b', 'c']) {
      const lines = logs.lines().filter((l) => l['requestId'] === `concurrent-${id}`);
      expect(lines).toHaveLength(1);
      expect(String(lines[0]?.['msg'])).toMatch(/^answered OK/);
    }
  });
});
