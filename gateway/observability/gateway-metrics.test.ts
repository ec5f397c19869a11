import { describe, expect, it } from 'vitest';
import { register } from 'prom-client';
import { GatewayMetrics } from './gateway-metrics.js';

const value = (text: string, series: string): number =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.split(' ')[1] ?? NaN,
  );

describe('gateway metrics', () => {
  it('keeps each gateway in its own registry, none in the global one', async () => {
    const one = new GatewayMetrics();
    const two = new GatewayMetrics();
    one.collectProcessMetrics();
    two.collectProcessMetrics();
    one.subgraphCall('maker', 'ok', 0.01);
    expect(
      value(
        (await one.text()).body,
        'gridmark_subgraph_requests_total{system="maker",outcome="ok"}',
      ),
    ).toBe(1);
    expect((await two.text()).body).not.toContain('gridmark_subgraph_requests_total{');
    expect(await register.metrics()).not.toContain('gridmark_');
  });

  it('counts operations by outcome, errors by code, values by status and charges', async () => {
    const metrics = new GatewayMetrics({ outboxBacklog: () => 7 });
    metrics.requestEnded(
      [
        {
          result: {
            errors: [{ extensions: { code: 'TAMPERED' } }, { extensions: { code: 'TAMPERED' } }],
            extensions: {
              gridmark: { charge: { tradeId: 't1', amountFen: 40, platformFeeFen: 4 } },
            },
          },
          context: {
            access: {
              verifications: [
                { status: 'VERIFIED' },
                { status: 'TAMPERED', system: 'S1' } as { status: string },
              ],
            },
          },
        },
        { result: { errors: [{ extensions: { code: 'not a code\n' } }] } },
      ],
      0.02,
    );
    const { body } = await metrics.text();
    expect(value(body, 'gridmark_requests_total{outcome="TAMPERED"}')).toBe(1);
    expect(value(body, 'gridmark_requests_total{outcome="INTERNAL_ERROR"}')).toBe(1);
    // Once per answer, however many of its values carry the code.
    expect(value(body, 'gridmark_refusals_total{code="TAMPERED"}')).toBe(1);
    expect(value(body, 'gridmark_values_total{status="VERIFIED"}')).toBe(1);
    expect(value(body, 'gridmark_tamper_reports_total{system="S1"}')).toBe(1);
    expect(value(body, 'gridmark_charged_fen_total')).toBe(40);
    expect(value(body, 'gridmark_platform_fees_fen_total')).toBe(4);
    expect(value(body, 'gridmark_request_duration_seconds_count')).toBe(1);
    expect(value(body, 'gridmark_ledger_outbox_backlog')).toBe(7);
  });
});
