/**
 * The gateways measured: bare Apollo; gridmark's gateway without access control; gridmark with
 * access control (rules, resolutions, grants, verification, receipts) but no charging; gridmark as
 * `npm start` runs it, with per-use charging as well.
 */
export const KINDS = ['bare', 'open', 'checked', 'gridmark'] as const;
/** One of the gateways measured. */
export type GatewayKind = (typeof KINDS)[number];
/** The two that run gridmark's access control, each over its own copy of the plant and its own ledger. */
export const CHECKED_KINDS = ['checked', 'gridmark'] as const satisfies readonly GatewayKind[];
/** How the report names each gateway. */
export const LABELS: Readonly<Record<GatewayKind, string>> = {
  bare: 'bare `@apollo/gateway` + `@apollo/server`',
  open: 'gridmark `createGateway` without access control (a fixed list of systems)',
  checked: 'gridmark `createGateway` with access control, without per-use charging',
  gridmark: 'gridmark `createGateway` as `npm start` runs it (access control and per-use charging)',
};

/** How hard and how long each gateway is loaded. */
export interface Settings {
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly rounds: number;
}

/** The settings of a run: `--quick` shortens it; `GATEWAY_BENCH_*` variables choose connections, seconds and rounds. */
export function readSettings(quick: boolean): Settings {
  const fromEnv = (name: string, fallback: number): number => {
    const text = process.env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, not "${text}"`);
    return value;
  };
  return {
    connections: fromEnv('GATEWAY_BENCH_CONNECTIONS', 32),
    warmupMs: quick ? 1_000 : 3_000,
    durationMs: fromEnv('GATEWAY_BENCH_SECONDS', quick ? 3 : 10) * 1_000,
    rounds: fromEnv('GATEWAY_BENCH_ROUNDS', quick ? 2 : 3),
  };
}
