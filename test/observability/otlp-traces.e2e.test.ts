import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObservedNetwork, type ObservedNetwork } from './observed-network.js';

/**
 * Traces over OTLP/HTTP: a real HTTP server receives the JSON the exporter posts, and the spans
 * of one query arrive with the expected names and parent links.
 */
interface ReceivedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes?: readonly { key: string; value: { stringValue?: string } }[];
}
const received: { body: unknown; contentType: string | undefined }[] = [];
let receiver: Server;
let network: ObservedNetwork;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        contentType: request.headers['content-type'],
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  network = await startObservedNetwork({
    observability: {
      tracing: { otlpUrl: `http://127.0.0.1:${port}/v1/traces`, serviceName: 'gateway-under-test' },
    },
  });
}, 60_000);
afterAll(async () => {
  await network?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Every span received, with the service name of its resource. */
function spansReceived(): (ReceivedSpan & { service: string | undefined })[] {
  return received.flatMap(({ body }) =>
    (body as { resourceSpans: unknown[] }).resourceSpans.flatMap((r) => {
      const { resource, scopeSpans } = r as {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: ReceivedSpan[] }[];
      };
      const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
      return scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, service })));
    }),
  );
}

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  it('exports the spans of one query with their parent links', async () => {
    const reply = await network.post({
      query: 'query ($ids: [ID!]!) { devices(ids: $ids) { id model outputPowerW } }',
      variables: { ids: network.devices },
    });
    expect(JSON.stringify(reply.json.errors)).toBe(undefined);
    // Stopping the gateway sends the spans not yet exported.
    await network.stopGateway();
    expect(received[0]?.contentType).toContain('application/json');

    const spans = spansReceived();
    const requests = spans.filter((s) => s.name === 'gridmark.request');
    expect(requests).toHaveLength(1);
    const root = requests[0] as ReceivedSpan;
    expect(root.parentSpanId ?? '').toBe('');
    expect(spans.every((s) => s.service === 'gateway-under-test')).toBe(true);
    const ofTrace = spans.filter((s) => s.traceId === root.traceId);
    const named = (name: string) => ofTrace.filter((s) => s.name === name);
    const childrenOf = (parent: ReceivedSpan, name: string) =>
      named(name).filter((s) => s.parentSpanId === parent.spanId);

    const [access] = childrenOf(root, 'gridmark.access.check');
    expect(access).toBeDefined();
    expect(childrenOf(access as ReceivedSpan, 'gridmark.ledger.getParsingRule')).toHaveLength(1);
    expect(childrenOf(root, 'gridmark.billing.check')).toHaveLength(1);
    expect(childrenOf(root, 'gridmark.billing.settle')).toHaveLength(1);
    const fetches = childrenOf(root, 'gridmark.subgraph.fetch');
    const systems = fetches.map(
      (s) => s.attributes?.find((a) => a.key === 'gridmark.system')?.value.stringValue,
    );
    expect(systems.sort()).toEqual(['maker', 'scada']);
    const verifications = childrenOf(root, 'gridmark.verification');
    expect(verifications).toHaveLength(2);
    // The anchors a verification compares with are read under it.
    expect(
      verifications.some(
        (v) =>
          childrenOf(v, 'gridmark.ledger.getAnchors').length +
            childrenOf(v, 'gridmark.ledger.getAnchor').length >
          0,
      ),
    ).toBe(true);
  }, 30_000);
});
