import { loadavg } from 'node:os';
import type { Benchmark } from './benchmark.js';
import { BODY, checkSameData } from './gateway-bench-query.js';
import { report } from './gateway-bench-report.js';
import { GatewayBenchRig } from './gateway-bench-rig.js';
import { measureRounds } from './gateway-bench-rounds.js';
import { readSettings } from './gateway-bench-settings.js';
import { runHttpLoad } from './http-load.js';

/**
 * The gateway's overhead over bare Apollo: the same `devices(ids:)` query (20 devices x 11 fields
 * over the five demo business systems, each its own process) through Apollo Gateway + Apollo
 * Server alone, through gridmark's gateway without access control, with access control, and as
 * `npm start` runs it (with per-use charging), each gateway in its own process, rounds alternating
 * so that drift on a small machine falls on all. Reports the median round of each: throughput,
 * latency, and the CPU time per request of the gateway, its business systems and the load
 * generator.
 */
const gatewayBench: Benchmark = {
  name: 'gateway',
  summary:
    'gridmark gateway vs bare Apollo Gateway over the five demo systems (throughput, latency, CPU per request)',
  async run({ quick, log }) {
    const settings = readSettings(quick);
    const loadBefore = loadavg();
    const rig = new GatewayBenchRig(log);
    try {
      await rig.start();
      const measured = rig.measuredGateways();
      await checkSameData(measured);
      log('the gateways return the same data for the query');
      // Every gateway and its systems run hot before the first round: a first round that also
      // compiles the code measures the compiler.
      for (const gateway of measured)
        await runHttpLoad({
          url: gateway.url,
          headers: gateway.headers,
          body: BODY,
          connections: settings.connections,
          durationMs: 2 * settings.warmupMs,
        });
      log('warmed up');
      const rounds = await measureRounds(measured, rig, settings, log);
      return report(rounds, settings, quick, loadBefore);
    } finally {
      await rig.stop();
    }
  },
};

/** The gateway's benchmarks. */
export const benchmarks: readonly Benchmark[] = [gatewayBench];
