import { QUOTE_HEADER, FUNCTION_HEADER, ROLE_HEADER } from '../../gateway/index.js';
import { DEMO_APPLICATION } from '../demo/index.js';
import type { JsonPoster, PostResult } from './http-client.js';
import type { DevicePools } from './soak-devices.js';
import type { SoakNetworkInfo } from './soak-messages.js';

/** What the soak sends: queries and quotes to the gateway, top-ups and registrations to the registry API. */
export const OPERATION_KINDS = ['single', 'multi', 'quote', 'top-up', 'register'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** How one operation ended. */
export interface OperationOutcome {
  readonly ok: boolean;
  /** A query whose answer carries a charge (a trade contract). */
  readonly charged: boolean;
  /** What went wrong, for the log: status and the start of the answer, or the transport error. */
  readonly failure?: string;
}

/** Runs one operation of a kind against the soak's network. */
export type SoakOperations = (kind: OperationKind) => Promise<OperationOutcome>;

/** The 14 fields of the demo's sample query (`npm start` prints it), for one device. */
const singleQuery = (id: string): string =>
  `{ device(id: "${id}") { id kind heldBy model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW lastReadingAt maintenanceRecords { time fault remedy } assetStatus assetValueFen } }`;
/** Devices per multi-device query. */
const MULTI_DEVICES = 10;
const MULTI_QUERY =
  'query SoakDevices($ids: [ID!]!) { devices(ids: $ids) { id model ratedPowerW installLocation commissioningDate maintenanceRecords { time fault } assetStatus assetValueFen } }';
const TOP_UP =
  'mutation ($app: ID!, $amount: Fen!, $ref: String!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: $ref) { balanceFen } }';
const REGISTER =
  'mutation ($code: ID!, $devices: [DeviceInput!]!) { registerDevices(systemCode: $code, devices: $devices) { registered } }';
/** A top-up of 100,000 yuan: at 250 queries/s the application spends about 150 yuan a second. */
const TOP_UP_FEN = 10_000_000;
/** The demo's production system issues the new devices' identifiers. */
const ISSUING_SYSTEM = '88.1001.1';

/**
 * The soak's operations over `network`: a charged query of one device's 14 fields (the device's
 * identifier written into the query text, as the demo's sample query has it), a charged query of
 * ten PV modules (identifiers as variables), a quote of one device (`X-Gridmark-Quote: only`),
 * a top-up of the application by the platform admin, and the registration of one new device.
 */
export function createSoakOperations(options: {
  readonly network: SoakNetworkInfo;
  readonly poster: JsonPoster;
  readonly pools: DevicePools;
  readonly random?: () => number;
}): SoakOperations {
  const { network, poster, pools } = options;
  const random = options.random ?? Math.random;
  const pick = (list: readonly string[]): string =>
    list[Math.floor(random() * list.length)] as string;
  const application = {
    authorization: `Bearer ${network.apiKey}`,
    [FUNCTION_HEADER]: DEMO_APPLICATION.function,
    [ROLE_HEADER]: 'om-engineer',
  };
  const admin = { authorization: `Bearer ${network.adminKey}` };
  let serial = 0;
  const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`.toUpperCase();

  const query = async (
    headers: Record<string, string>,
    body: unknown,
    expect: string,
  ): Promise<OperationOutcome> => {
    const answer = await poster.post(network.gatewayUrl, headers, JSON.stringify(body));
    return judge(answer, expect);
  };
  const registry = async (
    query: string,
    variables: Record<string, unknown>,
  ): Promise<OperationOutcome> =>
    judge(
      await poster.post(network.registryUrl, admin, JSON.stringify({ query, variables })),
      '"data":{',
    );

  const run: Record<OperationKind, () => Promise<OperationOutcome>> = {
    single: () => query(application, { query: singleQuery(pick(pools.everywhere)) }, '"tradeId":'),
    multi: () =>
      query(
        application,
        {
          query: MULTI_QUERY,
          variables: { ids: Array.from({ length: MULTI_DEVICES }, () => pick(pools.modules)) },
        },
        '"tradeId":',
      ),
    quote: () =>
      query(
        { ...application, [QUOTE_HEADER]: 'only' },
        { query: singleQuery(pick(pools.everywhere)) },
        '"quote":',
      ),
    'top-up': () =>
      registry(TOP_UP, {
        app: network.appId,
        amount: TOP_UP_FEN,
        ref: `soak-${tag}-${(serial += 1)}`,
      }),
    register: () =>
      registry(REGISTER, {
        code: ISSUING_SYSTEM,
        devices: [{ localCode: `SOAK-${tag}-${(serial += 1)}`, kind: 'MODULE' }],
      }),
  };
  return async (kind) => {
    try {
      return await run[kind]();
    } catch (error) {
      return {
        ok: false,
        charged: false,
        failure: error instanceof Error ? error.message : String(error),
      };
    }
  };
}

/** A 200 without `errors` that holds `expect` succeeded; charged when it holds a trade. */
function judge(answer: PostResult, expect: string): OperationOutcome {
  // Inside JSON strings quotes are escaped, so `"errors":` can only be a member name.
  const ok =
    answer.status === 200 && !answer.body.includes('"errors":') && answer.body.includes(expect);
  const charged = ok && answer.body.includes('"tradeId":');
  return ok
    ? { ok, charged }
    : { ok, charged, failure: `status ${answer.status}: ${answer.body.slice(0, 300)}` };
}
