import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRegistry, openSqliteRegistryStore, type Caller } from '../../gateway/index.js';
import { createRandom } from '../demo/index.js';
import type { Benchmark } from './benchmark.js';

const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'bench', label: 'bench' };
const SDL = (field: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${field}: Float }`;
const BATCH = 10_000;

/**
 * Registry throughput on the embedded SQLite store, through the registry service (validation,
 * authorisation, one transaction per batch, the log): bulk registration of a system's own devices,
 * claims on them by a second system (which makes every device a key device), and association
 * lookups at 100,000 and 1,000,000 registered devices.
 */
const registryBench: Benchmark = {
  name: 'registry',
  summary: 'bulk device registration rate and association lookup latency (embedded SQLite)',
  async run({ quick, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'gridmark-bench-registry-'));
    const registry = createRegistry({
      store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
      authorityPrefix: '88.1001',
      probeSubgraph: (name) => Promise.resolve(SDL(name === 'maker' ? 'model' : 'outputPowerW')),
    });
    const rows: string[] = [
      '| registered devices | registration (devices/s) | claims (devices/s) | association lookup p50 | p99 |',
      '|---:|---:|---:|---:|---:|',
    ];
    try {
      await registry.createEnterprise(ADMIN, { creditCode: '91640100MA77LQ3F21', name: 'E' });
      const register = (over: Record<string, string>) =>
        registry.registerSystem(ADMIN, {
          creditCode: '91640100MA77LQ3F21',
          systemName: over['name'] ?? '',
          subgraphName: over['name'] ?? '',
          description: 'bench',
          url: `http://${over['name'] ?? ''}.bench/`,
        });
      const maker = (await register({ name: 'maker' })).system.code;
      const scada = (await register({ name: 'scada' })).system.code;
      await registry.registerFields(ADMIN, maker, [{ name: 'model', feeFen: 1 }]);
      await registry.registerFields(ADMIN, scada, [{ name: 'outputPowerW', feeFen: 5 }]);
      let registered = 0;
      for (const target of quick ? [100_000] : [100_000, 1_000_000]) {
        let ownMs = 0;
        let claimMs = 0;
        const from = registered;
        while (registered < target) {
          const n = Math.min(BATCH, target - registered);
          const devices = Array.from({ length: n }, (_, i) => ({
            localCode: `PVM-${String(registered + i).padStart(7, '0')}`,
            kind: 'MODULE' as const,
          }));
          let t = performance.now();
          await registry.registerDevices(ADMIN, maker, devices);
          ownMs += performance.now() - t;
          t = performance.now();
          await registry.claimDevices(
            ADMIN,
            scada,
            devices.map((d) => ({
              identifier: `${maker}/${d.localCode}`,
              localCode: `SCADA.${d.localCode}`,
            })),
          );
          claimMs += performance.now() - t;
          registered += n;
          if (registered % 100_000 === 0) log(`${registered} devices registered`);
        }
        const random = createRandom(target);
        const samples: number[] = [];
        for (let i = 0; i < 5_000; i++) {
          const id = `${maker}/PVM-${String(random.int(0, registered - 1)).padStart(7, '0')}`;
          const t = performance.now();
          const entry = await registry.association(id);
          samples.push(performance.now() - t);
          if (entry?.holdings.length !== 2) throw new Error(`association of ${id} is wrong`);
        }
        samples.sort((a, b) => a - b);
        const pct = (p: number) =>
          `${((samples[Math.floor(p * (samples.length - 1))] ?? 0) * 1000).toFixed(0)} µs`;
        const count = registered - from;
        rows.push(
          `| ${registered.toLocaleString('en')} | ${Math.round(count / (ownMs / 1000)).toLocaleString('en')} | ${Math.round(count / (claimMs / 1000)).toLocaleString('en')} | ${pct(0.5)} | ${pct(0.99)} |`,
        );
      }
      rows.push(
        '',
        `Batches of ${BATCH.toLocaleString('en')} devices, one transaction each; rates are for the devices added up to that row. Lookups: 5,000 random \`association(deviceId)\` calls through the registry service.`,
      );
      return rows;
    } finally {
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The registry's benchmarks. */
export const benchmarks: readonly Benchmark[] = [registryBench];
