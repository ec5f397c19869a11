import { isDeepStrictEqual } from 'node:util';
import type { GatewayProcess } from './gateway-bench-process.js';

/** 20 devices held by the five systems: inverters, combiner boxes, strings, the transformer and the meter. */
export const DEVICE_IDS = [
  ...Array.from({ length: 8 }, (_, i) => `88.1001.1/PVI-${String(i + 1).padStart(6, '0')}`),
  ...Array.from({ length: 8 }, (_, i) => `88.1001.1/PVC-${String(i + 1).padStart(6, '0')}`),
  '88.1001.2/STR-B1-S01',
  '88.1001.2/STR-B2-S09',
  '88.1001.1/TRF-000001',
  '88.1001.1/MTR-000001',
];
/** 11 fields, two or three from each business system. */
export const FIELDS_BY_SYSTEM: Readonly<Record<string, readonly string[]>> = {
  production: ['model', 'ratedPowerW'],
  construction: ['installLocation', 'commissioningDate'],
  monitoring: ['operatingStatus', 'outputPowerW', 'lastReadingAt'],
  om: ['maintenanceRecords { time fault }', 'openFault'],
  asset: ['assetStatus', 'assetValueFen'],
};
/** One `devices(ids:)` query for every field of every device. */
const QUERY = `query GatewayBench { devices(ids: [${DEVICE_IDS.map((id) => JSON.stringify(id)).join(', ')}]) { id ${Object.values(FIELDS_BY_SYSTEM).flat().join(' ')} } }`;
/** The request body every gateway is sent. */
export const BODY = JSON.stringify({ query: QUERY, operationName: 'GatewayBench' });

/** Posts the query once to each gateway; throws unless they all answer the same, complete data. */
export async function checkSameData(gateways: readonly GatewayProcess[]): Promise<void> {
  const answer = async (gateway: GatewayProcess): Promise<unknown> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { ...gateway.headers, 'content-type': 'application/json' },
      body: BODY,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      data?: { devices?: (Record<string, unknown> | null)[] };
      errors?: unknown;
    };
    if (response.status !== 200 || body.errors !== undefined)
      throw new Error(
        `the ${gateway.kind} gateway answered the benchmark query with ${response.status}: ${text.slice(0, 1_000)}`,
      );
    const devices = body.data?.devices ?? [];
    if (devices.length !== DEVICE_IDS.length || devices.some((d) => d === null))
      throw new Error(
        `the ${gateway.kind} gateway did not return all ${DEVICE_IDS.length} devices: ${text.slice(0, 1_000)}`,
      );
    for (const [system, fields] of Object.entries(FIELDS_BY_SYSTEM)) {
      const names = fields.map((f) => f.split(' ')[0] ?? f);
      if (!devices.some((d) => names.some((n) => d?.[n] !== null && d?.[n] !== undefined)))
        throw new Error(`the ${gateway.kind} gateway returned no field of the ${system} system`);
    }
    return body.data;
  };
  const answers = await Promise.all(gateways.map(answer));
  const [first, ...others] = answers;
  others.forEach((data, i) => {
    if (!isDeepStrictEqual(first, data)) {
      throw new Error(
        `the gateways answer the benchmark query differently:\n${gateways[0]?.kind ?? ''}: ${JSON.stringify(first).slice(0, 2_000)}\n${gateways[i + 1]?.kind ?? ''}: ${JSON.stringify(data).slice(0, 2_000)}`,
      );
    }
  });
}
