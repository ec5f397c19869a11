import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Caller,
  type ExplorerMode,
  type Gateway,
  type Registry,
} from '../../gateway/index.js';
import { onboardEnterprise } from '../../gateway/testing/index.js';
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
 * A gateway with access control over one business system that requires grants and has anchored
 * its values, for the explorer's browser tests: the registry, the embedded ledger, an application
 * with a rule, and the key, function and role a user types into the explorer.
 */
export interface ExplorerNetwork {
  readonly url: string;
  readonly device: string;
  readonly appKey: string;
  readonly function: string;
  readonly role: string;
  stop(): Promise<void>;
}

const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const DEVICE = '88.1001.1/INV-1';
const rows = new Map<string, DeviceRecord>([[DEVICE, { model: 'SV-150K', brand: 'Sunvolt' }]]);
const declaration: SubgraphDeclaration = {
  name: 'maker',
  title: 'maker',
  fields: [
    { name: 'model', type: 'String', description: 'Model.' },
    { name: 'brand', type: 'String', description: 'Brand.' },
  ],
  loadDevices: (ids) =>
    Promise.resolve(new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) ?? {}]] : [])))),
};

/** Starts the network with the gateway's explorer set to `explorer` (development mode). */
export async function startExplorerNetwork(explorer?: ExplorerMode): Promise<ExplorerNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-explorer-'));
  const gatewayKey = generateKeyPairSync('ed25519');
  const ledger: LedgerAdapter = await createLedger({
    kind: 'embedded',
    path: join(dir, 'ledger.db'),
  });
  const registry: Registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
  });
  const gateway: Gateway = createGateway({
    registry,
    access: { ledger, signingKey: gatewayKey.privateKey },
    logger: silentLogger,
    mode: 'development',
    ...(explorer ? { explorer } : {}),
  });
  await gateway.start();
  const url = await gateway.listen(0);
  const journal = openAnchorJournal(':memory:');
  const maker = defineSubgraph(declaration, {
    access: { kind: 'grants', gatewayPublicKey: gatewayKey.publicKey },
    journal,
  });
  const served: RunningSubgraph = await serveSubgraph(maker, { port: 0 }, { logger: silentLogger });
  const creditCode = '91320500MA1N7PXK3R';
  const { system, apiKey } = await registry.registerSystem(
    (await onboardEnterprise(registry, { creditCode, name: 'maker' })).caller,
    {
      creditCode,
      systemName: 'maker',
      subgraphName: 'maker',
      description: 'maker',
      url: served.url,
    },
  );
  await registry.registerFields(
    ADMIN,
    system.code,
    declaration.fields.map((f) => ({ name: f.name, feeFen: 1, changePolicy: null })),
  );
  await registry.registerDevices(ADMIN, system.code, [{ localCode: 'INV-1', kind: 'INVERTER' }]);
  const anchorer = createAnchorer({
    declaration,
    listDevices: () => Promise.resolve([...rows.keys()]),
    journal,
    sink: createRegistryAnchorSink({
      registryUrl: new URL('/registry', url).toString(),
      systemCode: system.code,
      apiKey,
    }),
  });
  await anchorer.anchorPass();
  const app = await registry.registerApplication(ADMIN, {
    name: 'full-lifecycle management',
    roles: ['om-engineer'],
  });
  await registry.publishRule(ADMIN, {
    appId: app.application.appId,
    function: 'full-lifecycle',
    role: 'om-engineer',
    fieldCodes: [`${system.code}.F0001`, `${system.code}.F0002`],
  });
  return {
    url,
    device: DEVICE,
    appKey: app.apiKey,
    function: 'full-lifecycle',
    role: 'om-engineer',
    stop: async () => {
      await gateway.stop();
      await served.stop();
      await registry.close();
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
