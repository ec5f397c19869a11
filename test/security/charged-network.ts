import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteBillingStore,
  openSqliteRegistryStore,
  readReceipt,
  type BillingStore,
  type Caller,
  type Gateway,
  type GatewayOptions,
  type ReceivedValue,
  type Registry,
} from '../../gateway/index.js';
import { onboardEnterprise } from '../../gateway/testing/index.js';
import { createLedger, type LedgerAdapter, type Resolution } from '../../ledger-adapter/index.js';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import {
  createAnchorer,
  createRegistryAnchorSink,
  defineSubgraph,
  openAnchorJournal,
  serveSubgraph,
  type DeviceRecord,
  type RunningSubgraph,
  type SubgraphDeclaration,
} from '../../subgraphs/index.js';

/**
 * A priced network over real sockets for the attacks on what is fetched, recorded and charged:
 * the embedded ledger behind a switch that can take it down or make it refuse an application's
 * resolutions, the registry, the gateway with access control and per-use charging, and two
 * business systems that require grants, hold every device and anchor every value.
 */
export interface ChargedNetwork {
  readonly url: string;
  /** `88.1001.1/INV-1` onwards, held by both systems (by the SCADA one, the first `scadaHolds`). */
  readonly devices: readonly string[];
  /** Field name to field code, for every registered field. */
  readonly codes: ReadonlyMap<string, string>;
  readonly ledger: LedgerAdapter;
  /** How the ledger behaves from now on. */
  readonly ledgerSwitch: LedgerSwitch;
  readonly registry: Registry;
  readonly gateway: Gateway;
  /** Registers an application with a rule for `fields` (by name) in function `monitoring`, role `*`, and pays in; resolves with its request headers. */
  application(
    name: string,
    fields: readonly string[],
  ): Promise<{ readonly appId: string; readonly headers: Readonly<Record<string, string>> }>;
  /** POSTs a body to the gateway's GraphQL endpoint. */
  post(body: unknown, headers: Readonly<Record<string, string>>): Promise<Reply>;
  /** The resolution the ledger recorded under `id`, waiting for it a moment (it is recorded in batches). */
  recordedResolution(id: string): Promise<Resolution | null>;
  stop(): Promise<void>;
}

/** Field names of the two systems. */
export const MAKER_FIELDS = ['model', 'brand', 'ratedPowerW'] as const;
export const SCADA_FIELDS = ['outputPowerW', 'online', 'events'] as const;

/** A GraphQL response as the client receives it, with its HTTP status. */
export interface Reply {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly {
    readonly message: string;
    readonly extensions?: Record<string, unknown>;
  }[];
  readonly extensions?: { readonly gridmark?: Gridmark };
}

/** What the gateway states about a query in `extensions.gridmark`. */
export interface Gridmark {
  readonly resolution?: { readonly id: string } | null;
  readonly charge?: {
    readonly tradeId: string | null;
    readonly amountFen: number;
    readonly items?: readonly {
      readonly deviceId: string;
      readonly fieldCodes: readonly string[];
    }[];
  };
  readonly [key: string]: unknown;
}

/** The ledger's behaviour, switched by a test. */
export interface LedgerSwitch {
  /** `down`: every write fails as if the ledger could not be reached (reads still come from the cache). */
  writes: 'up' | 'down';
  /** Applications whose resolutions the contract refuses (the whole batch that holds one, as it refuses malformed input). */
  readonly refuseResolutionsOf: Set<string>;
}

const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const WRITES = new Set([
  'resolveBatch',
  'recordTrades',
  'reportTamper',
  'anchorCommitments',
  'resolve',
]);

/**
 * Starts the network; `gateway` options (limits, ...) are passed on. `scadaHolds` is how many of
 * the devices (the first ones) the catalog lists the SCADA system as holding (default all); it
 * serves and anchors every device whatever the catalog says.
 */
export async function startChargedNetwork(
  options: {
    readonly deviceCount?: number;
    readonly scadaHolds?: number;
    readonly gateway?: Pick<GatewayOptions, 'limits'>;
  } = {},
): Promise<ChargedNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-charged-'));
  const gatewayKey = generateKeyPairSync('ed25519');
  const real = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  const ledgerSwitch: LedgerSwitch = { writes: 'up', refuseResolutionsOf: new Set() };
  const ledger = switched(real, ledgerSwitch);
  const book: BillingStore = openSqliteBillingStore({ path: join(dir, 'billing.db') });
  const registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
    tradedWith: (a, s) => book.tradedWith(a, s),
  });
  const gateway = createGateway({
    registry,
    access: {
      ledger,
      signingKey: gatewayKey.privateKey,
      billing: {
        store: book,
        tariff: { commissionBasisPoints: 1_000, resolutionFeeFen: 5, registrationFeeFen: 0 },
      },
    },
    logger: silentLogger,
    ...options.gateway,
  });
  await gateway.start();
  const url = await gateway.listen(0);
  const registryUrl = new URL('/registry', url).toString();
  const adminKey = await registry.bootstrapAdminKey('security tests');
  const locals = Array.from({ length: options.deviceCount ?? 4 }, (_, i) => `INV-${i + 1}`);
  const devices = locals.map((local) => `88.1001.1/${local}`);
  const rows = (record: (i: number) => DeviceRecord) =>
    new Map(devices.map((id, i) => [id, record(i)]));
  const makerRows = rows((i) => ({
    model: `SV-${100 + i}K`,
    brand: 'Sunvolt',
    ratedPowerW: 100_000 + i,
  }));
  const scadaRows = rows((i) => ({
    outputPowerW: 1000 + i / 2,
    online: i % 2 === 0,
    events: [{ at: '2026-11-30T08:00:00Z', code: 'GRID_SAG', note: `recovered ${i}` }],
  }));
  const declarations: readonly (readonly [
    SubgraphDeclaration,
    string,
    ReadonlyMap<string, DeviceRecord>,
  ])[] = [
    [
      {
        name: 'maker',
        title: 'maker',
        fields: [
          { name: 'model', type: 'String', description: 'Model.' },
          { name: 'brand', type: 'String', description: 'Brand.' },
          { name: 'ratedPowerW', type: 'Int', description: 'Rated power.', unit: 'W' },
        ],
        loadDevices: (ids) => Promise.resolve(pick(makerRows, ids)),
      },
      '91320500MA1N7PXK3R',
      makerRows,
    ],
    [
      {
        name: 'scada',
        title: 'scada',
        typeDefs: 'type ScadaEvent { at: String! code: String! note: String }',
        fields: [
          { name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' },
          { name: 'online', type: 'Boolean', description: 'Online.' },
          { name: 'events', type: '[ScadaEvent!]', description: 'Events.' },
        ],
        loadDevices: (ids) => Promise.resolve(pick(scadaRows, ids)),
      },
      '91640100MA77LQ3F21',
      scadaRows,
    ],
  ];
  const served: RunningSubgraph[] = [];
  const codes = new Map<string, string>();
  const anchorers = [];
  for (const [declaration, creditCode, records] of declarations) {
    const journal = openAnchorJournal(':memory:');
    const running = await serveSubgraph(
      defineSubgraph(declaration, {
        access: { kind: 'grants', gatewayPublicKey: gatewayKey.publicKey },
        journal,
      }),
      { port: 0 },
      { logger: silentLogger },
    );
    served.push(running);
    const { caller } = await onboardEnterprise(registry, { creditCode, name: declaration.name });
    const { system, apiKey } = await registry.registerSystem(caller, {
      creditCode,
      systemName: declaration.name,
      subgraphName: declaration.name,
      description: declaration.name,
      url: running.url,
    });
    for (const field of await registry.registerFields(
      ADMIN,
      system.code,
      declaration.fields.map((f, i) => ({ name: f.name, feeFen: 2 + i })),
    ))
      codes.set(field.name, field.code);
    anchorers.push(
      createAnchorer({
        declaration,
        listDevices: () => Promise.resolve([...records.keys()]),
        journal,
        sink: createRegistryAnchorSink({ registryUrl, systemCode: system.code, apiKey }),
      }),
    );
  }
  await registry.registerDevices(
    ADMIN,
    '88.1001.1',
    locals.map((localCode) => ({ localCode, kind: 'INVERTER' as const })),
  );
  await registry.claimDevices(
    ADMIN,
    '88.1001.2',
    devices
      .slice(0, options.scadaHolds ?? devices.length)
      .map((identifier, i) => ({ identifier, localCode: `S-${i + 1}` })),
  );
  for (const anchorer of anchorers) await anchorer.anchorPass();

  const post = async (body: unknown, headers: Readonly<Record<string, string>>): Promise<Reply> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return Object.defineProperty((await response.json()) as Reply, 'status', {
      value: response.status,
      enumerable: false,
    });
  };
  return {
    url,
    devices,
    codes,
    ledger: real,
    ledgerSwitch,
    registry,
    gateway,
    post,
    async application(name, fields) {
      const app = await registry.registerApplication(ADMIN, { name, roles: ['om'] });
      await registry.publishRule(ADMIN, {
        appId: app.application.appId,
        function: 'monitoring',
        role: '*',
        fieldCodes: fields.map((f) => codes.get(f) ?? f),
      });
      const paid = await fetch(registryUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({
          query:
            'mutation ($a: ID!, $r: String!) { topUp(applicationId: $a, amountFen: 100000000, paymentReference: $r) { balanceFen } }',
          variables: { a: app.application.appId, r: `pay-${app.application.appId}` },
        }),
      });
      const body = (await paid.json()) as { errors?: unknown };
      if (body.errors) throw new Error(`top-up failed: ${JSON.stringify(body.errors)}`);
      return {
        appId: app.application.appId,
        headers: { authorization: `Bearer ${app.apiKey}`, 'x-gridmark-function': 'monitoring' },
      };
    },
    async recordedResolution(id) {
      const deadline = Date.now() + 3_000;
      let found = await real.getResolution(id);
      while (!found && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        found = await real.getResolution(id);
      }
      return found;
    },
    async stop() {
      await gateway.stop();
      await Promise.all(served.map((s) => s.stop()));
      await registry.close();
      await book.close();
      await real.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Checks a response the way an auditor would: every value released is in the query's resolution
 * as the ledger recorded it, and every value released VERIFIED is in the charge. Returns the
 * released values.
 */
export async function expectAccounted(
  network: ChargedNetwork,
  reply: Reply,
): Promise<readonly ReceivedValue[]> {
  const released = readReceipt(reply.extensions?.gridmark).filter(
    (v) => v.status === 'VERIFIED' || v.status === 'UNVERIFIED',
  );
  if (released.length === 0) return released;
  const id = reply.extensions?.gridmark?.resolution?.id;
  if (!id)
    throw new Error(
      `values were released without a resolution: ${JSON.stringify(released.map((v) => [v.device, v.field]))}`,
    );
  const resolution = await network.recordedResolution(id);
  if (!resolution) throw new Error(`resolution ${id} is not on the ledger`);
  const resolved = new Set(
    resolution.devices.flatMap((d) => d.fields.map((f) => `${d.deviceId} ${f.fieldCode}`)),
  );
  const charged = new Set(
    (reply.extensions?.gridmark?.charge?.items ?? []).flatMap((item) =>
      item.fieldCodes.map((code) => `${item.deviceId} ${code}`),
    ),
  );
  for (const value of released) {
    const key = `${value.device} ${value.fieldCode}`;
    if (!resolved.has(key))
      throw new Error(
        `Device.${value.field} of ${value.device} was released but is not in resolution ${id} on the ledger`,
      );
    if (value.status === 'VERIFIED' && !charged.has(key))
      throw new Error(
        `Device.${value.field} of ${value.device} was released VERIFIED but not charged`,
      );
  }
  return released;
}

/** The ledger adapter with its writes behind the switch. */
function switched(ledger: LedgerAdapter, state: LedgerSwitch): LedgerAdapter {
  return new Proxy(ledger, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string' || !WRITES.has(property)) return method;
      return (...args: unknown[]) => {
        if (state.writes === 'down')
          return Promise.reject(
            new GridmarkError(
              'LEDGER_UNAVAILABLE',
              `The ledger did not answer the ${property} call.`,
            ),
          );
        if (property === 'resolveBatch') {
          const requests = args[0] as readonly { readonly applicationId: string }[];
          if (requests.some((r) => state.refuseResolutionsOf.has(r.applicationId))) {
            return Promise.reject(
              new GridmarkError(
                'LEDGER_REJECTED',
                'The contract refused the transaction: [INVALID_ARGUMENT] refused by the test',
                {
                  details: {
                    transaction: 'ResolveBatch',
                    contractCode: 'INVALID_ARGUMENT',
                    reason: 'refused by the test',
                  },
                },
              ),
            );
          }
        }
        return method(...args);
      };
    },
  });
}

function pick(
  rows: ReadonlyMap<string, DeviceRecord>,
  wanted: readonly string[],
): Map<string, DeviceRecord> {
  return new Map(wanted.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) ?? {}] as const] : [])));
}
