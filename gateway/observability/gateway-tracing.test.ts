import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GatewayTracing } from './gateway-tracing.js';

/** A port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('gateway tracing', () => {
  it('logs, once, that spans could not reach the collector', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const url = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const tracing = new GatewayTracing({ otlpUrl: url }, logger);
    tracing.start('gridmark.request').end();
    tracing.start('gridmark.request').end();
    await tracing.shutdown().catch(() => undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^traces could not be exported to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: .+ \(2 spans dropped\)$/,
    );
  }, 30_000);
});
