import { describe, expect, it } from 'vitest';
import { createGateway, createMemoryDirectory } from '../gateway/index.js';
import { silentLogger } from '../schema/index.js';
import { defineSubgraph, serveSubgraph, type ShareableField } from '../subgraphs/index.js';

const devices = [{ id: '88.6.1/M-1', kind: 'METER' as const, heldBy: ['late', 'meter'] }];
const subgraph = (name: string, fields: ShareableField[]) =>
  defineSubgraph({
    name,
    title: name,
    fields,
    loadDevices: (ids) =>
      Promise.resolve(
        new Map(ids.map((id) => [id, Object.fromEntries(fields.map((f) => [f.name, 1]))])),
      ),
  });

async function freePort(): Promise<number> {
  const probe = await serveSubgraph(
    subgraph('probe', [{ name: 'x', type: 'Int', description: 'x' }]),
    { port: 0 },
    { logger: silentLogger },
  );
  await probe.stop();
  return Number(new URL(probe.url).port);
}

async function until<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the live supergraph', () => {
  it('starts without a system that is down and adds it when it answers, without a restart', async () => {
    const meter = await serveSubgraph(
      subgraph('meter', [{ name: 'energyKWh', type: 'Float', description: 'Energy.' }]),
      { port: 0 },
      { logger: silentLogger },
    );
    const latePort = await freePort();
    const gateway = createGateway({
      systems: [
        { name: 'meter', url: meter.url },
        { name: 'late', url: `http://127.0.0.1:${latePort}/` },
      ],
      directory: createMemoryDirectory(devices),
      logger: silentLogger,
      pollIntervalMs: 100,
      startupTimeoutMs: 300,
    });
    await gateway.start();
    let late: Awaited<ReturnType<typeof serveSubgraph>> | undefined;
    try {
      expect(gateway.status()).toEqual({
        phase: 'serving',
        composed: ['catalog', 'meter'],
        missing: ['late'],
      });
      const before = await gateway.execute({ query: '{ device(id: "88.6.1/M-1") { energyKWh } }' });
      expect(before.data).toEqual({ device: { energyKWh: 1 } });

      // Several polls find it still down before it comes up: polling must go on after them.
      await new Promise((r) => setTimeout(r, 350));
      late = await serveSubgraph(
        subgraph('late', [{ name: 'lateField', type: 'Int', description: 'Late.' }]),
        { port: latePort },
        { logger: silentLogger },
      );
      const after = await until(
        () => gateway.execute({ query: '{ device(id: "88.6.1/M-1") { energyKWh lateField } }' }),
        (r) => r.errors === undefined,
      );
      expect(after).toEqual({ data: { device: { energyKWh: 1, lateField: 1 } } });
      expect(gateway.status().missing).toEqual([]);
    } finally {
      await gateway.stop();
      await meter.stop();
      await late?.stop();
    }
  });

  it('keeps the live supergraph when a system changes its schema into one that does not compose', async () => {
    const meter = await serveSubgraph(
      subgraph('meter', [{ name: 'energyKWh', type: 'Float', description: 'Energy.' }]),
      { port: 0 },
      { logger: silentLogger },
    );
    let other = await serveSubgraph(
      subgraph('other', [{ name: 'otherField', type: 'Int', description: 'Other.' }]),
      { port: 0 },
      { logger: silentLogger },
    );
    const otherPort = Number(new URL(other.url).port);
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (m: string) => logged.push(m) };
    const gateway = createGateway({
      systems: [
        { name: 'meter', url: meter.url },
        { name: 'other', url: other.url },
      ],
      directory: createMemoryDirectory(devices),
      logger,
      pollIntervalMs: 100,
    });
    await gateway.start();
    try {
      await other.stop();
      // The same system now claims a field another system owns: composition must refuse it.
      other = await serveSubgraph(
        subgraph('other', [{ name: 'energyKWh', type: 'Float', description: 'Clash.' }]),
        { port: otherPort },
        { logger: silentLogger },
      );
      const refusal = await until(
        () => Promise.resolve(logged.join('\n')),
        (text) => text.includes('kept the live supergraph'),
      );
      expect(refusal).toContain('[meter, other]');
      const response = await gateway.execute({
        query: '{ device(id: "88.6.1/M-1") { energyKWh } }',
      });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ device: { energyKWh: 1 } });
    } finally {
      await gateway.stop();
      await meter.stop();
      await other.stop();
    }
  });
});
