import { readFileSync } from 'node:fs';
import { quantile, runHttpLoad } from './http-load.js';
import type { GatewayProcess } from './gateway-bench-process.js';
import { BODY } from './gateway-bench-query.js';
import type { GatewayBenchRig } from './gateway-bench-rig.js';
import type { GatewayKind, Settings } from './gateway-bench-settings.js';

/** One measured window of one gateway. */
export interface Round {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly gatewayCpuMsPerRequest: number;
  /** gridmark's ledger reads and write transactions per request in the window (undefined for the others). */
  readonly ledgerReadsPerRequest: number | undefined;
  readonly ledgerWritesPerRequest: number | undefined;
  /** The five business systems' CPU per request; undefined without `/proc`. */
  readonly subgraphsCpuMsPerRequest: number | undefined;
  /** The load generator's own CPU per request (it shares the machine: larger responses cost it more). */
  readonly clientCpuMsPerRequest: number;
  readonly ok: number;
  readonly failed: number;
}

/** The measured rounds, each starting with the next gateway. */
export async function measureRounds(
  measured: readonly GatewayProcess[],
  rig: GatewayBenchRig,
  settings: Settings,
  log: (line: string) => void,
): Promise<Record<GatewayKind, Round[]>> {
  const rounds: Record<GatewayKind, Round[]> = { bare: [], open: [], checked: [], gridmark: [] };
  for (let r = 0; r < settings.rounds; r++) {
    // Each round starts with the next gateway, so that none is always measured first (or last)
    // when the machine speeds up or slows down within a round.
    for (const gateway of [
      ...measured.slice(r % measured.length),
      ...measured.slice(0, r % measured.length),
    ]) {
      const round = await measureRound(
        gateway,
        rig.setOf(gateway.kind).systems.systems.map((s) => s.pid),
        settings,
      );
      rounds[gateway.kind].push(round);
      log(
        `round ${r + 1}/${settings.rounds} ${gateway.kind}: ${round.requestsPerSecond.toFixed(0)} requests/s, p50 ${round.p50Ms.toFixed(1)} ms, p99 ${round.p99Ms.toFixed(1)} ms, gateway CPU ${round.gatewayCpuMsPerRequest.toFixed(2)} ms/request, systems' CPU ${round.subgraphsCpuMsPerRequest?.toFixed(2) ?? 'n/a'} ms/request, load generator's CPU ${round.clientCpuMsPerRequest.toFixed(2)} ms/request, ${round.failed} failed`,
      );
    }
  }
  return rounds;
}

/** Warm-up, then one measured window with the gateway's and the subgraphs' CPU read around it. */
async function measureRound(
  gateway: GatewayProcess,
  subgraphPids: readonly (number | undefined)[],
  settings: Settings,
): Promise<Round> {
  const load = {
    url: gateway.url,
    headers: gateway.headers,
    body: BODY,
    connections: settings.connections,
  };
  await runHttpLoad({ ...load, durationMs: settings.warmupMs });
  const before = await gateway.sample();
  const subgraphsBefore = subgraphsCpuMs(subgraphPids);
  const clientBefore = process.cpuUsage();
  const result = await runHttpLoad({ ...load, durationMs: settings.durationMs });
  const client = process.cpuUsage(clientBefore);
  const after = await gateway.sample();
  const subgraphsAfter = subgraphsCpuMs(subgraphPids);
  if (result.firstFailure !== undefined)
    process.stderr.write(
      `  ${gateway.kind}: ${result.failed} failed; the first: ${result.firstFailure}\n`,
    );
  if (result.ok === 0 || result.failed > result.ok / 100) {
    throw new Error(
      `the ${gateway.kind} gateway failed ${result.failed} of ${result.ok + result.failed} requests in a measured window`,
    );
  }
  return {
    requestsPerSecond: result.ok / (result.elapsedMs / 1_000),
    p50Ms: quantile(result.latenciesMs, 0.5),
    p99Ms: quantile(result.latenciesMs, 0.99),
    gatewayCpuMsPerRequest: (after.micros - before.micros) / 1_000 / result.ok,
    ledgerReadsPerRequest:
      before.ledger && after.ledger
        ? (after.ledger.evaluations - before.ledger.evaluations) / result.ok
        : undefined,
    ledgerWritesPerRequest:
      before.ledger && after.ledger
        ? (after.ledger.submissions - before.ledger.submissions) / result.ok
        : undefined,
    subgraphsCpuMsPerRequest:
      subgraphsBefore === undefined || subgraphsAfter === undefined
        ? undefined
        : (subgraphsAfter - subgraphsBefore) / result.ok,
    clientCpuMsPerRequest: (client.user + client.system) / 1_000 / result.ok,
    ok: result.ok,
    failed: result.failed,
  };
}

/**
 * The summed CPU time of the business systems' processes from `/proc/<pid>/stat` (utime + stime,
 * at Linux's 100 ticks per second), milliseconds; undefined where there is no `/proc`.
 */
function subgraphsCpuMs(pids: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    if (pid === undefined) return undefined;
    try {
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }
  return Number.isFinite(total) ? total : undefined;
}
