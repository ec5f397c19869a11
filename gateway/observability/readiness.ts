import type { HttpRoute } from '../http/index.js';
import { sendJson } from '../http/index.js';

/** One part's answer to the readiness probe. */
export interface PartReadiness {
  readonly ready: boolean;
  /** Why not, or what was seen (a phase, a backlog). */
  readonly detail?: string;
}

/** The parts `/readyz` asks; each absent part is not part of this gateway. */
export interface ReadinessProbes {
  /** The supergraph's phase: ready only while `serving`. */
  readonly supergraph: () => string;
  /** A cheap read of the registry store. */
  readonly registry?: () => Promise<unknown>;
  /** A cheap read of the billing book. */
  readonly book?: () => Promise<unknown>;
  /** A cheap ledger transaction (not answered from the cache). */
  readonly ledger?: () => Promise<unknown>;
  /** Records waiting in the ledger outbox, and whether they reach the ledger. */
  readonly outbox?: () => { readonly backlog: number; readonly healthy: boolean };
  /** True once the gateway shuts down. */
  readonly draining: () => boolean;
}

/** Options of {@link readinessRoute}. */
export interface ReadinessOptions {
  readonly probes: ReadinessProbes;
  readonly maxLedgerBacklog: number;
  readonly probeTimeoutMs: number;
}

/**
 * `/readyz`: 200 while the gateway can answer queries (the supergraph serves; the registry
 * store, the billing book and the ledger answer within the probe timeout; the ledger outbox's
 * backlog is under its limit and it reaches the ledger; the gateway is not shutting down),
 * otherwise 503; the body names each part and whether it is ready.
 */
export function readinessRoute(options: ReadinessOptions): HttpRoute {
  return async (_request, response, url) => {
    if (url.pathname !== '/readyz') return false;
    const parts = await checkParts(options);
    const ready = Object.values(parts).every((p) => p.ready);
    const notReady = Object.keys(parts).filter((name) => !parts[name]?.ready);
    sendJson(response, ready ? 200 : 503, { ready, ...(ready ? {} : { notReady }), parts });
    return true;
  };
}

/** Each part's readiness, the probes run side by side. */
export async function checkParts(
  options: ReadinessOptions,
): Promise<Record<string, PartReadiness>> {
  const { probes, probeTimeoutMs } = options;
  const phase = probes.supergraph();
  const parts: Record<string, PartReadiness> = {
    serving: probes.draining() ? { ready: false, detail: 'shutting down' } : { ready: true },
    supergraph: { ready: phase === 'serving', detail: phase },
  };
  const answers = await Promise.all(
    (['registry', 'book', 'ledger'] as const).map(async (name) => {
      const probe = probes[name];
      return probe ? ([name, await answersWithin(probe, probeTimeoutMs)] as const) : undefined;
    }),
  );
  for (const answer of answers) if (answer) parts[answer[0]] = answer[1];
  const outbox = probes.outbox?.();
  if (outbox) parts['ledgerBacklog'] = backlogReadiness(outbox, options.maxLedgerBacklog);
  return parts;
}

function backlogReadiness(
  outbox: { readonly backlog: number; readonly healthy: boolean },
  max: number,
): PartReadiness {
  if (!outbox.healthy)
    return { ready: false, detail: `records do not reach the ledger (${outbox.backlog} wait)` };
  return outbox.backlog < max
    ? { ready: true, detail: `${outbox.backlog} waiting` }
    : { ready: false, detail: `${outbox.backlog} waiting, limit ${max}` };
}

/** Whether `probe` answers within `ms`; its failure reads as its error's code or name, never its message. */
async function answersWithin(probe: () => Promise<unknown>, ms: number): Promise<PartReadiness> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<PartReadiness>(
    (resolve) =>
      (timer = setTimeout(
        () => resolve({ ready: false, detail: `no answer within ${ms} ms` }),
        ms,
      )),
  );
  const answered = probe().then(
    (): PartReadiness => ({ ready: true }),
    (error: unknown): PartReadiness => ({ ready: false, detail: failureName(error) }),
  );
  return Promise.race([answered, late]).finally(() => clearTimeout(timer));
}

function failureName(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'failed';
}
