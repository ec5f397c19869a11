import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from '../../gateway/index.js';
import { TEST_ADMIN as ADMIN, onboardEnterprise } from '../../gateway/testing/index.js';
import { startCheckedGateway } from '../support/checked-gateway.js';
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

/** A gateway with its registry and embedded ledger over real sockets, for the conformance checks. */
export interface ConformanceNetwork {
  readonly dir: string;
  readonly registryUrl: string;
  readonly registry: Registry;
  /** The gateway's grant-signing key: systems trust its public half. */
  readonly signingKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The signing key as a PEM file, mode 0600. */
  readonly grantKeyFile: string;
  stop(): Promise<void>;
}

/** A business system registered in the network. */
export interface RegisteredSystem {
  readonly code: string;
  readonly subgraphName: string;
  /** The system's API key in a file, mode 0600. */
  readonly apiKeyFile: string;
  readonly devices: readonly string[];
}

/** A kit system serving on a real port, registered, its values anchored. */
export interface KitSystem extends RegisteredSystem {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the ledger, the registry and the gateway in a temporary directory. */
export async function startConformanceNetwork(): Promise<ConformanceNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'gridmark-conformance-'));
  const { ledger, registry, gateway, url, signingKey } = await startCheckedGateway(dir);
  const grantKeyFile = join(dir, 'grant-key.pem');
  writeFileSync(grantKeyFile, signingKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return {
    dir,
    registryUrl: new URL('/registry', url).toString(),
    registry,
    signingKey,
    publicKey: createPublicKey(signingKey),
    grantKeyFile,
    async stop() {
      await gateway.stop();
      await registry.close();
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers a system serving at `url` (its enterprise onboarded first), its fields and its
 * devices (`<code>/<local code>`); writes its API key file.
 */
export async function registerSystem(
  network: ConformanceNetwork,
  options: {
    readonly name: string;
    readonly creditCode: string;
    readonly url: string;
    readonly fields: readonly {
      readonly name: string;
      readonly changePolicy?: 'refuse' | 'release-unverified';
    }[];
    readonly localCodes: readonly string[];
  },
): Promise<RegisteredSystem> {
  const { registry } = network;
  const { caller } = await onboardEnterprise(registry, {
    creditCode: options.creditCode,
    name: `${options.name} Co.`,
  });
  const { system, apiKey } = await registry.registerSystem(caller, {
    creditCode: options.creditCode,
    systemName: options.name,
    subgraphName: options.name,
    description: options.name,
    url: options.url,
  });
  await registry.registerFields(
    ADMIN,
    system.code,
    options.fields.map((f) => ({
      name: f.name,
      feeFen: 1,
      ...(f.changePolicy ? { changePolicy: f.changePolicy } : {}),
    })),
  );
  await registry.registerDevices(
    ADMIN,
    system.code,
    options.localCodes.map((localCode) => ({ localCode, kind: 'INVERTER' as const })),
  );
  const apiKeyFile = join(network.dir, `${options.name}.api-key`);
  writeFileSync(apiKeyFile, apiKey, { mode: 0o600 });
  return {
    code: system.code,
    subgraphName: options.name,
    apiKeyFile,
    devices: options.localCodes.map((local) => `${system.code}/${local}`),
  };
}

/** The maker's records, by local code. */
const MAKER_ROWS = new Map<string, DeviceRecord>(
  [1, 2, 3].map((i) => [
    `INV-${i}`,
    {
      model: `SV-${100 + i}K`,
      ratedPowerW: 100_000 + i,
      tests: [{ at: '2026-11-30T08:00:00Z', result: i === 2 ? 'FAIL' : 'PASS', note: null }],
    },
  ]),
);

/**
 * A maker's system built with the kit, requiring the gateway's grants and serving proofs from
 * its anchor journal; registered and every value anchored through the registry API.
 */
export async function startKitSystem(
  network: ConformanceNetwork,
  options: {
    readonly name: string;
    readonly creditCode: string;
    /** The gateway key the system trusts; default the network's. */
    readonly trusts?: KeyObject;
  },
): Promise<KitSystem> {
  const declaration: SubgraphDeclaration = {
    name: options.name,
    title: `${options.name} MES`,
    typeDefs: `type ${pascal(options.name)}Test { at: String! result: String note: String }`,
    fields: [
      { name: `${options.name}Model`, type: 'String', description: 'Model.' },
      { name: `${options.name}RatedPowerW`, type: 'Int', description: 'Rated power.', unit: 'W' },
      {
        name: `${options.name}Tests`,
        type: `[${pascal(options.name)}Test!]`,
        description: 'Type tests.',
      },
    ],
    loadDevices: (ids) =>
      Promise.resolve(
        new Map(
          ids.flatMap((id) => {
            const row = MAKER_ROWS.get(id.slice(id.indexOf('/') + 1));
            return row
              ? [
                  [
                    id,
                    {
                      [`${options.name}Model`]: row['model'],
                      [`${options.name}RatedPowerW`]: row['ratedPowerW'],
                      [`${options.name}Tests`]: row['tests'],
                    },
                  ] as const,
                ]
              : [];
          }),
        ),
      ),
  };
  const journal = openAnchorJournal(join(network.dir, `${options.name}.anchors.db`));
  const running: RunningSubgraph = await serveSubgraph(
    defineSubgraph(declaration, {
      access: { kind: 'grants', gatewayPublicKey: options.trusts ?? network.publicKey },
      journal,
    }),
    { port: 0 },
    { logger: silentLogger },
  );
  const registered = await registerSystem(network, {
    name: options.name,
    creditCode: options.creditCode,
    url: running.url,
    fields: declaration.fields,
    localCodes: [...MAKER_ROWS.keys()],
  });
  const anchorer = createAnchorer({
    declaration,
    listDevices: () => Promise.resolve(registered.devices),
    journal,
    sink: createRegistryAnchorSink({
      registryUrl: network.registryUrl,
      systemCode: registered.code,
      apiKey: readFileSync(registered.apiKeyFile, 'utf8'),
    }),
  });
  await anchorer.anchorPass();
  return {
    ...registered,
    url: running.url,
    async stop() {
      await running.stop();
      journal.close();
    },
  };
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
