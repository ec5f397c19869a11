import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import { loadGatewayConfig } from '../config/index.js';
import { initializeGateway } from './initialize-gateway.js';
import { serveConfiguredGateway } from './serve-configured-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'gridmark-listen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serveConfiguredGateway', () => {
  it('names listen.port when the port is taken, and closes what it opened', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const made = await initializeGateway({
        directory: dir,
        values: { 'listen.port': port },
        env: {},
      });
      const loaded = loadGatewayConfig(made.configFile, { env: {} });
      const error = await serveConfiguredGateway(loaded, { logger: silentLogger }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GridmarkError);
      expect(error).toMatchObject({
        code: 'BAD_CONFIGURATION',
        details: { settings: ['listen.port'] },
      });
      expect((error as Error).message).toContain(`127.0.0.1:${port} is in use`);
      // The stores were closed again: a second start on a free port opens them.
      const served = await serveConfiguredGateway(
        loadGatewayConfig(made.configFile, { env: { GRIDMARK_LISTEN_PORT: '0' } }),
        { logger: silentLogger },
      );
      expect(served.kid).toBe(made.kid);
      await served.stop();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
