import { cpus, loadavg } from 'node:os';
import { DEVICE_IDS, FIELDS_BY_SYSTEM } from './gateway-bench-query.js';
import type { Round } from './gateway-bench-rounds.js';
import {
  CHECKED_KINDS,
  KINDS,
  LABELS,
  type GatewayKind,
  type Settings,
} from './gateway-bench-settings.js';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/**
 * The report: a table of the median round of each gateway, what access control and charging cost,
 * the rounds themselves, the machine, and the command that reproduces the run.
 */
export function report(
  rounds: Record<GatewayKind, Round[]>,
  settings: Settings,
  quick: boolean,
  loadBefore: readonly number[],
): string[] {
  const of = (kind: GatewayKind, pick: (r: Round) => number | undefined): number =>
    median(rounds[kind].map((r) => pick(r) ?? Number.NaN));
  const bareRps = of('bare', (r) => r.requestsPerSecond);
  const totalCpu = (kind: GatewayKind): number =>
    of(kind, (r) => r.gatewayCpuMsPerRequest) + of(kind, (r) => r.subgraphsCpuMsPerRequest);
  const ms = (value: number, digits: number): string =>
    Number.isNaN(value) ? 'n/a' : `${value.toFixed(digits)} ms`;
  const rows = [
    "| gateway | requests/s | p50 | p99 | gateway CPU per request | five systems' CPU per request | load generator's CPU per request | throughput vs bare |",
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...KINDS.map((kind) => {
      const rps = of(kind, (r) => r.requestsPerSecond);
      return `| ${LABELS[kind]} | ${rps.toFixed(0)} | ${ms(
        of(kind, (r) => r.p50Ms),
        1,
      )} | ${ms(
        of(kind, (r) => r.p99Ms),
        1,
      )} | ${ms(
        of(kind, (r) => r.gatewayCpuMsPerRequest),
        2,
      )} | ${ms(
        of(kind, (r) => r.subgraphsCpuMsPerRequest),
        2,
      )} | ${ms(
        of(kind, (r) => r.clientCpuMsPerRequest),
        2,
      )} | ${(rps / bareRps).toFixed(2)} |`;
    }),
    '',
    `CPU per request of the gateway and its five systems together, bare against gridmark: ${CHECKED_KINDS.map((kind) => `${kind === 'checked' ? 'with access control' : 'as `npm start` runs it'} ${(totalCpu('bare') / totalCpu(kind)).toFixed(2)} (${ms(totalCpu(kind), 1)} against ${ms(totalCpu('bare'), 1)})`).join('; ')}: the ratio throughput tends to on a machine they share.`,
    `What gridmark's checks cost, gridmark with access control against its own gateway without it: ${ms(of('checked', (r) => r.gatewayCpuMsPerRequest) - of('open', (r) => r.gatewayCpuMsPerRequest), 2)} more gateway CPU and ${ms(of('checked', (r) => r.subgraphsCpuMsPerRequest) - of('open', (r) => r.subgraphsCpuMsPerRequest), 2)} more business-system CPU per request (grants checked, proofs sent); throughput ${(of('checked', (r) => r.requestsPerSecond) / of('open', (r) => r.requestsPerSecond)).toFixed(2)} of it.`,
    `What per-use charging costs on top: ${ms(of('gridmark', (r) => r.gatewayCpuMsPerRequest) - of('checked', (r) => r.gatewayCpuMsPerRequest), 2)} more gateway CPU per request; throughput ${(of('gridmark', (r) => r.requestsPerSecond) / of('checked', (r) => r.requestsPerSecond)).toFixed(2)} of access control alone.`,
    ...CHECKED_KINDS.map(
      (kind) =>
        `Ledger calls of gridmark ${kind === 'checked' ? 'with access control' : 'as `npm start` runs it'} in the measured windows: ${of(kind, (r) => r.ledgerReadsPerRequest).toFixed(3)} reads per request (a warm cache answers every rule, catalog, field and anchor read), ${of(kind, (r) => r.ledgerWritesPerRequest).toFixed(3)} write transactions per request (resolutions${kind === 'gridmark' ? ' and trades' : ''} are recorded in batches).`,
    ),
    `One \`devices(ids:)\` query, ${DEVICE_IDS.length} devices x ${Object.values(FIELDS_BY_SYSTEM).flat().length} fields over the five demo business systems (each its own process); ${settings.connections} concurrent keep-alive connections; ${settings.rounds} rounds per gateway, alternating (each round starting with the next gateway) after a ${(2 * settings.warmupMs) / 1_000} s warm-up of each, each round ${settings.warmupMs / 1_000} s warm-up + ${settings.durationMs / 1_000} s measured; medians of the rounds. Only 200 responses without \`errors\` count. CPU: the gateway process's own user + system time over the measured window, per successful request.`,
    `Throughput against bare round by round (each round measures the gateways one after another): ${KINDS.filter(
      (k) => k !== 'bare',
    )
      .map(
        (kind) =>
          `${kind} ${rounds[kind].map((r, i) => (r.requestsPerSecond / (rounds.bare[i]?.requestsPerSecond ?? Number.NaN)).toFixed(2)).join(', ')} (median ${median(rounds[kind].map((r, i) => r.requestsPerSecond / (rounds.bare[i]?.requestsPerSecond ?? Number.NaN))).toFixed(2)})`,
      )
      .join('; ')}.`,
    `Rounds (requests/s): ${KINDS.map((kind) => `${kind} ${rounds[kind].map((r) => r.requestsPerSecond.toFixed(0)).join(', ')}`).join('; ')}. Failed responses: ${KINDS.map((kind) => `${kind} ${rounds[kind].reduce((n, r) => n + r.failed, 0)}`).join(', ')}.`,
    `Machine: ${cpus().length} cores, Node ${process.versions.node}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the run, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} after.`,
    `Reproduce: \`${reproduceCommand(quick)}\``,
  ];
  return rows;
}

function reproduceCommand(quick: boolean): string {
  const env = ['GATEWAY_BENCH_CONNECTIONS', 'GATEWAY_BENCH_SECONDS', 'GATEWAY_BENCH_ROUNDS']
    .filter((name) => (process.env[name] ?? '') !== '')
    .map((name) => `${name}=${process.env[name] ?? ''} `);
  return `${env.join('')}npm run bench -- gateway${quick ? ' --quick' : ''}`;
}
