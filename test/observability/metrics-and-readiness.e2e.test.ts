import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  scrape,
  seriesValue,
  startObservedNetwork,
  type ObservedNetwork,
} from './observed-network.js';

/**
 * `/metrics` and `/readyz` of a charged gateway over real HTTP: the series move as queries are
 * answered, refused, charged and caught tampered, and readiness follows the ledger.
 */
const QUERY = 'query ($ids: [ID!]!) { devices(ids: $ids) { id model brand outputPowerW } }';
let network: ObservedNetwork;

beforeAll(async () => {
  network = await startObservedNetwork();
}, 60_000);
afterAll(async () => {
  await network?.stop();
});

/** The change of each series between two scrapes. */
async function delta(
  series: readonly string[],
  act: () => Promise<void>,
): Promise<Record<string, number>> {
  const before = await scrape(network.url);
  await act();
  const after = await scrape(network.url);
  return Object.fromEntries(series.map((s) => [s, seriesValue(after, s) - seriesValue(before, s)]));
}

describe('gateway metrics at /metrics', () => {
  it('counts an answered query, its verified values, subgraph and ledger calls and its charge', async () => {
    const changed = await delta(
      [
        'gridmark_requests_total{outcome="OK"}',
        'gridmark_request_duration_seconds_count',
        'gridmark_values_total{status="VERIFIED"}',
        'gridmark_subgraph_requests_total{system="maker",outcome="ok"}',
        'gridmark_subgraph_requests_total{system="scada",outcome="ok"}',
        'gridmark_subgraph_request_duration_seconds_count{system="maker"}',
        'gridmark_ledger_calls_total{method="getParsingRule",kind="read",outcome="ok"}',
        'gridmark_ledger_read_cache_total{result="hit"}',
        'gridmark_ledger_read_cache_total{result="miss"}',
        'gridmark_charges_total',
        'gridmark_charged_fen_total',
        'gridmark_platform_fees_fen_total',
      ],
      async () => {
        const reply = await network.post({ query: QUERY, variables: { ids: network.devices } });
        expect(reply.json.errors).toBeUndefined();
        const charge = reply.json.extensions?.gridmark?.['charge'] as { tradeId?: unknown };
        expect(typeof charge.tradeId).toBe('string');
      },
    );
    expect(changed['gridmark_requests_total{outcome="OK"}']).toBe(1);
    expect(changed['gridmark_request_duration_seconds_count']).toBe(1);
    // Two devices, three fields each.
    expect(changed['gridmark_values_total{status="VERIFIED"}']).toBe(6);
    expect(
      changed['gridmark_subgraph_requests_total{system="maker",outcome="ok"}'],
    ).toBeGreaterThanOrEqual(1);
    expect(
      changed['gridmark_subgraph_requests_total{system="scada",outcome="ok"}'],
    ).toBeGreaterThanOrEqual(1);
    expect(
      changed['gridmark_subgraph_request_duration_seconds_count{system="maker"}'],
    ).toBeGreaterThanOrEqual(1);
    expect(
      changed['gridmark_ledger_calls_total{method="getParsingRule",kind="read",outcome="ok"}'],
    ).toBe(1);
    expect(
      (changed['gridmark_ledger_read_cache_total{result="hit"}'] ?? 0) +
        (changed['gridmark_ledger_read_cache_total{result="miss"}'] ?? 0),
    ).toBeGreaterThanOrEqual(3);
    expect(changed['gridmark_charges_total']).toBe(1);
    // Six values at 3 fen and the resolution fee of 5 fen; the platform's 10 % of the field fees.
    expect(changed['gridmark_charged_fen_total']).toBeGreaterThanOrEqual(18);
    expect(changed['gridmark_platform_fees_fen_total']).toBeGreaterThan(0);
  });

  it('counts a refusal by its code', async () => {
    const changed = await delta(
      [
        'gridmark_requests_total{outcome="UNAUTHENTICATED"}',
        'gridmark_refusals_total{code="UNAUTHENTICATED"}',
        'gridmark_charges_total',
      ],
      async () => {
        const reply = await network.post({ query: QUERY, variables: { ids: network.devices } }, {});
        expect(reply.json.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      },
    );
    expect(changed).toEqual({
      'gridmark_requests_total{outcome="UNAUTHENTICATED"}': 1,
      'gridmark_refusals_total{code="UNAUTHENTICATED"}': 1,
      gridmark_charges_total: 0,
    });
  });

  it('counts a value changed after its anchor as tampered and reported, by system', async () => {
    const [first] = network.devices;
    network.makerRows.set(first ?? '', { model: 'FORGED', brand: 'Sunvolt' });
    const before = await scrape(network.url);
    const reply = await network.post({ query: QUERY, variables: { ids: [first] } });
    expect(JSON.stringify(reply.json)).not.toContain('FORGED');
    const after = await scrape(network.url);
    const tampered = 'gridmark_values_total{status="TAMPERED"}';
    expect(seriesValue(after, tampered) - seriesValue(before, tampered)).toBe(1);
    // Labelled by the system's registered code.
    const reports = after.match(/^gridmark_tamper_reports_total\{system="([^"]+)"\} 1$/m);
    expect(reports?.[1]).toBe(
      (await network.registry.listSystems()).find((s) => s.subgraphName === 'maker')?.code,
    );
  });

  it('serves the backlog gauge, the ledger transaction counts and prefixed process metrics', async () => {
    const text = await scrape(network.url);
    expect(text).toMatch(/^gridmark_ledger_outbox_backlog \d+$/m);
    expect(seriesValue(text, 'gridmark_ledger_transactions{kind="evaluate"}')).toBeGreaterThan(0);
    expect(seriesValue(text, 'gridmark_ledger_transactions{kind="submit"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^gridmark_process_cpu_user_seconds_total \S+$/m);
    expect(text).toMatch(/^gridmark_nodejs_heap_size_used_bytes \S+$/m);
    // Every series is gridmark's: none from the process-wide default registry.
    const names = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]);
    expect(names.every((n) => n?.startsWith('gridmark_'))).toBe(true);
  });
});

describe('request ids', () => {
  it('returns a sane x-request-id as given and replaces one that is not', async () => {
    const given = await network.post(
      { query: '{ __typename }' },
      { 'x-request-id': 'trace-42.a:b' },
    );
    expect(given.headers.get('x-request-id')).toBe('trace-42.a:b');
    const forged = await network.post(
      { query: '{ __typename }' },
      { 'x-request-id': 'a b\u00e9<script>' },
    );
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await network.post({ query: '{ __typename }' }, {});
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('/readyz', () => {
  it('is ready while every part answers, and names the ledger when it is closed', async () => {
    const ready = await fetch(new URL('/readyz', network.url));
    const body = (await ready.json()) as {
      ready: boolean;
      parts: Record<string, { ready: boolean }>;
    };
    expect(ready.status).toBe(200);
    expect(Object.keys(body.parts).sort()).toEqual(
      ['book', 'ledger', 'ledgerBacklog', 'registry', 'serving', 'supergraph'].sort(),
    );
    const live = await fetch(new URL('/healthz', network.url));
    expect(live.status).toBe(200);

    await network.ledger.close();
    const closed = await fetch(new URL('/readyz', network.url));
    const why = (await closed.json()) as { ready: boolean; notReady: string[] };
    expect(closed.status).toBe(503);
    expect(why.ready).toBe(false);
    expect(why.notReady).toContain('ledger');
  });
});
