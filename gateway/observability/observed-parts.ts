import type { ObservedParts } from './gateway-observability.js';

/** The slices of the gateway's parts that readiness and the gauges read. */
export interface GatewayPartsToObserve {
  readonly manager: { status(): { readonly phase: string } };
  readonly registry?: { getSystem(code: string): Promise<unknown> } | undefined;
  readonly access?:
    | {
        readonly ledger: {
          getResolution(id: string): Promise<unknown>;
          readonly stats: { readonly evaluations: number; readonly submissions: number };
        };
        readonly billing?: { readonly store: { getAccount(id: string): Promise<unknown> } };
      }
    | undefined;
  readonly control?:
    { health(): { readonly resolutions: string; readonly outboxBacklog: number } } | undefined;
}

/** No system, account or resolution has this name: the probes read nothing, cheaply. */
const PROBE_NAME = 'gridmark-readiness-probe';
const PROBE_RESOLUTION = '0'.repeat(64);

/**
 * What `/readyz` and the gauges ask of a gateway's parts: the supergraph's phase, a read of the
 * registry store and of the billing book, a ledger read that no cache answers (a resolution by
 * an id that none has), the outbox's backlog, and the adapter's transaction counts.
 */
export function observedParts(parts: GatewayPartsToObserve): ObservedParts {
  const { manager, registry, access, control } = parts;
  const ledger = access?.ledger;
  const book = access?.billing?.store;
  return {
    supergraph: () => manager.status().phase,
    ...(registry && { registry: () => registry.getSystem(PROBE_NAME) }),
    ...(book && { book: () => book.getAccount(PROBE_NAME) }),
    ...(ledger && {
      ledger: () => ledger.getResolution(PROBE_RESOLUTION),
      ledgerStats: () => ledger.stats,
    }),
    ...(control && {
      outbox: () => {
        const health = control.health();
        return { backlog: health.outboxBacklog, healthy: health.resolutions === 'recording' };
      },
    }),
  };
}
