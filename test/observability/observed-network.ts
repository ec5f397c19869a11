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
  type Gateway,
  type GatewayOptions,
  type Registry,
} from '../../gateway/index.js';
import { TEST_ADMIN as ADMIN, onboardEnterprise } from '../../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../../ledger-adapter/index.js';
import { silentLogger } from '../../schema/index.js';
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
 * A charged network over real sockets for the observability tests: the embedded ledger, the
 * registry and the billing book in a temporary directory, the gateway with access control and
 * per-use charging (its settings from the test), and two business systems (`maker`, `scada`)
 * that require grants and anchor every value. The maker's rows can be changed after anchoring
 * (tampering) and its answers delayed.
 */
export interface ObservedNetwork {
  readonly url: string;
  readonly devices: readonly string[];
  readonly gateway: Gateway;
  readonly ledger: LedgerAdapter;
  readonly registry: Registry;
  /** The maker's rows, by device: change one after the start and its value no longer matches its anchor. */
  readonly makerRows: Map<string, DeviceRecord>;
  /** How long the maker waits before it answers (ms); 0 by default. */
  delay: { ms: number };
  /** The application's key, its API key and request headers (function `monitoring`). */
  readonly app: { readonly apiKey: string; readonly headers: Readonly<Record<string, string>> };
  /** The platform admin's key. */
  readonly adminKey: string;
  post(body: unknown, headers?: Readonly<Record<string, string>>): Promise<Reply>;
  /** Stops the gateway alone (once; later calls wait for the same stop). */
  stopGateway(): Promise<void>;
  stop(): Promise<void>;
}

/** A GraphQL answer with its status and headers. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: {
    readonly data?: Record<string, unknown> | null;
    readonly errors?: readonly {
      readonly message: string;
      readonly extensions?: Record<string, unknown>;
    }[];
    readonly extensions?: { readonly gridmark?: Record<string, unknown> };
  };
}

/** Starts the network; `settings` go to `createGateway` (a silent logger unless they give one). */
export async function startObservedNetwork(
  settings: Partial<GatewayOptions> = {},
): Promise<ObservedNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-observed-'));
  const gatewayKey = generateKeyPairSync('ed25519');
  const ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  const book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
  const registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
    tradedWith: (a, s) => book.tradedWith(a, s),
  });
  const gateway = createGateway({
    ...(settings.observability?.logging ? {} : { logger: silentLogger }),
    ...settings,
    registry,
    access: {
      ledger,
      signingKey: gatewayKey.privateKey,
      billing: {
        store: book,
        tariff: { commissionBasisPoints: 1_000, resolutionFeeFen: 5, registrationFeeFen: 0 },
      },
    },
  } as GatewayOptions);
  await gateway.start();
  const url = await gateway.listen(0);
  const registryUrl = new URL('/registry', url).toString();
  const adminKey = await registry.bootstrapAdminKey('observability tests');
  const locals = ['INV-1', 'INV-2'];
  const devices = locals.map((local) => `88.1001.1/${local}`);
  const makerRows = new Map<string, DeviceRecord>(
    devices.map((id, i) => [id, { model: `SV-${100 + i}K`, brand: 'Sunvolt' }]),
  );
  const scadaRows = new Map<string, DeviceRecord>(
    devices.map((id, i) => [id, { outputPowerW: 1000 + i }]),
  );
  const delay = { ms: 0 };
  const declarations: readonly (readonly [
    SubgraphDeclaration,
    string,
    Map<string, DeviceRecord>,
  ])[] = [
    [
      {
        name: 'maker',
        title: 'maker',
        fields: [
          { name: 'model', type: 'String', description: 'Model.' },
          { name: 'brand', type: 'String', description: 'Brand.' },
        ],
        loadDevices: async (ids) => {
          if (delay.ms > 0) await new Promise((resolve) => setTimeout(resolve, delay.ms));
          return pick(makerRows, ids);
        },
      },
      '91320500MA1N7PXK3R',
      makerRows,
    ],
    [
      {
        name: 'scada',
        title: 'scada',
        fields: [{ name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' }],
        loadDevices: (ids) => Promise.resolve(pick(scadaRows, ids)),
      },
      '91640100MA77LQ3F21',
      scadaRows,
    ],
  ];
  const served: RunningSubgraph[] = [];
  const fieldCodes: string[] = [];
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
    const fields = await registry.registerFields(
      ADMIN,
      system.code,
      declaration.fields.map((f) => ({ name: f.name, feeFen: 3 })),
    );
    fieldCodes.push(...fields.map((f) => f.code));
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
    devices.map((identifier, i) => ({ identifier, localCode: `S-${i + 1}` })),
  );
  for (const anchorer of anchorers) await anchorer.anchorPass();
  const application = await registry.registerApplication(ADMIN, { name: 'watcher', roles: ['om'] });
  await registry.publishRule(ADMIN, {
    appId: application.application.appId,
    function: 'monitoring',
    role: '*',
    fieldCodes,
  });
  await topUp(registryUrl, adminKey, application.application.appId);
  const app = {
    apiKey: application.apiKey,
    headers: {
      authorization: `Bearer ${application.apiKey}`,
      'x-gridmark-function': 'monitoring',
    },
  };
  let gatewayStopped: Promise<void> | undefined;
  const stopGateway = (): Promise<void> => (gatewayStopped ??= gateway.stop());
  return {
    url,
    devices,
    stopGateway,
    gateway,
    ledger,
    registry,
    makerRows,
    delay,
    app,
    adminKey,
    async post(body, headers = app.headers) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return {
        status: response.status,
        headers: response.headers,
        json: (await response.json()) as Reply['json'],
      };
    },
    async stop() {
      await stopGateway();
      await Promise.all(served.map((s) => s.stop()));
      await registry.close();
      await book.close();
      await ledger.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function topUp(registryUrl: string, adminKey: string, appId: string): Promise<void> {
  const paid = await fetch(registryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({
      query:
        'mutation ($a: ID!, $r: String!) { topUp(applicationId: $a, amountFen: 1000000, paymentReference: $r) { balanceFen } }',
      variables: { a: appId, r: `pay-${appId}` },
    }),
  });
  const body = (await paid.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`top-up failed: ${JSON.stringify(body.errors)}`);
}

function pick(
  rows: ReadonlyMap<string, DeviceRecord>,
  ids: readonly string[],
): Map<string, DeviceRecord> {
  return new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) ?? {}] as const] : [])));
}

/** Reads one series' value from Prometheus text: `name{labels}` exactly as written, 0 when absent. */
export function seriesValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    if (line.slice(0, at) === series) return Number(line.slice(at + 1));
  }
  return 0;
}

/** The gateway's `/metrics` text. */
export async function scrape(url: string): Promise<string> {
  const response = await fetch(new URL('/metrics', url));
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}
