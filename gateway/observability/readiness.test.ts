import { describe, expect, it } from 'vitest';
import { checkParts, type ReadinessProbes } from './readiness.js';

const probes = (overrides: Partial<ReadinessProbes> = {}): ReadinessProbes => ({
  supergraph: () => 'serving',
  registry: () => Promise.resolve(undefined),
  book: () => Promise.resolve(undefined),
  ledger: () => Promise.resolve(null),
  outbox: () => ({ backlog: 3, healthy: true }),
  draining: () => false,
  ...overrides,
});
const check = (p: ReadinessProbes) =>
  checkParts({ probes: p, maxLedgerBacklog: 10, probeTimeoutMs: 50 });

describe('readiness', () => {
  it('is ready when every part answers and the backlog is under its limit', async () => {
    const parts = await check(probes());
    expect(Object.values(parts).every((p) => p.ready)).toBe(true);
    expect(parts['ledgerBacklog']).toEqual({ ready: true, detail: '3 waiting' });
  });

  it('names each part that is not ready and why, without its error message', async () => {
    const parts = await check(
      probes({
        supergraph: () => 'failed',
        registry: () => new Promise(() => undefined),
        book: () =>
          Promise.reject(
            Object.assign(new Error('/secret/path/billing.db'), { code: 'SQLITE_CANTOPEN' }),
          ),
        outbox: () => ({ backlog: 10, healthy: true }),
        draining: () => true,
      }),
    );
    expect(parts).toEqual({
      serving: { ready: false, detail: 'shutting down' },
      supergraph: { ready: false, detail: 'failed' },
      registry: { ready: false, detail: 'no answer within 50 ms' },
      book: { ready: false, detail: 'SQLITE_CANTOPEN' },
      ledger: { ready: true },
      ledgerBacklog: { ready: false, detail: '10 waiting, limit 10' },
    });
  });

  it('is not ready while records do not reach the ledger', async () => {
    const parts = await check(probes({ outbox: () => ({ backlog: 1, healthy: false }) }));
    expect(parts['ledgerBacklog']?.ready).toBe(false);
  });
});
