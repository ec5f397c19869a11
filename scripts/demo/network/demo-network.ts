import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteBillingStore,
  openSqliteRegistryStore,
  type BillingStore,
  type Gateway,
  type Registry,
  type Tariff,
} from '../../../gateway/index.js';
import { GridmarkError, type Logger } from '../../../schema/index.js';
import { DEMO_SYSTEMS } from '../systems/demo-systems.js';
import {
  createLedger,
  openLedgerOutbox,
  type LedgerAdapter,
  type LedgerOutbox,
  type LedgerCallStats,
} from '../../../ledger-adapter/index.js';
import {
  BILLING_FILE,
  LEDGER_FILE,
  OUTBOX_FILE,
  REGISTRY_FILE,
  inspectDemoDataDirectory,
  recordDemoDataFiles,
} from '../data-directory/demo-data-files.js';
import { fundDemoApplication, registerDemoApplication } from './demo-application.js';
import { registerDemoSystems } from './demo-registration.js';
import { startDemoSystems, type DemoSystemEndpoint, type DemoSystems } from './system-processes.js';

/** The demo aggregator's authority prefix: systems become 88.1001.1, 88.1001.2, ... */
export const DEMO_AUTHORITY_PREFIX = '88.1001';

/**
 * The demo platform's fees: 10 % of every field fee, 5 fen per charged query, and 200 yuan when a
 * business system registers.
 */
export const DEMO_TARIFF: Tariff = {
  commissionBasisPoints: 1_000,
  resolutionFeeFen: 5,
  registrationFeeFen: 20_000,
};

/** Options of {@link startDemoNetwork}. */
export interface DemoNetworkOptions {
  /** The gateway's port; business systems take the next five. 0 lets every part pick a free port. */
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logger: Logger;
  /**
   * Business systems already serving (e.g. shared with a second gateway in a benchmark). By
   * default the network starts its own five and stops them with itself.
   */
  readonly systems?: readonly DemoSystemEndpoint[];
  /**
   * With `systems`: how to hand each of them its registration so that it starts anchoring, as
   * {@link DemoSystems.startAnchoring} does for the systems the network starts itself.
   */
  readonly startAnchoring?: DemoSystems['startAnchoring'];
  /** How often the business systems re-run their anchoring pass. */
  readonly anchorIntervalMs?: number;
  /** Per-use charging (default on). Off, released values are free: access control alone. */
  readonly billing?: boolean;
  /**
   * The gateway's Ed25519 grant-signing key. By default a fresh one per run, whose public half the
   * network's own systems get at start; given with `systems` that were started with its public half.
   */
  readonly grantKey?: KeyObject;
}

/** The running demo network. */
export interface DemoNetwork {
  readonly gatewayUrl: string;
  /** The embedded ledger's file. */
  readonly ledgerPath: string;
  readonly registryUrl: string;
  /** A platform admin key minted for this run (the previous run's is revoked); shown once. */
  readonly adminKey: string;
  /** The demo application and a key minted for this run; shown once. */
  readonly application: {
    readonly appId: string;
    readonly apiKey: string;
    readonly balanceFen: number;
  };
  /** Field commitments the systems anchored at start. */
  readonly anchored: number;
  /** The gateway's ledger calls so far: reads (evaluations) and writes (submissions). */
  ledgerCalls(): LedgerCallStats;
  readonly systems: readonly {
    readonly name: string;
    readonly title: string;
    readonly url: string;
  }[];
  stop(): Promise<void>;
}

/**
 * Starts the five demo business systems, each its own process over its own database, then the
 * gateway composing them. Any failure on the way stops what was started. The data directory must
 * hold a seeded network, every file of which is present and readable (see
 * `../data-directory/demo-data-files.ts`); nothing is opened otherwise. Given `systems` that
 * already serve, it registers those instead and leaves them running when it stops.
 *
 * @throws GridmarkError `DATA_FILE_MISSING` or `DATA_FILE_UNREADABLE` naming a file of the
 *   network; `BAD_CONFIGURATION` for a directory that holds no network.
 */
export async function startDemoNetwork(options: DemoNetworkOptions): Promise<DemoNetwork> {
  // Before anything is opened: each store would create an empty file in the place of a lost one.
  if (inspectDemoDataDirectory(options.dataDir).kind === 'fresh') {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${options.dataDir} holds no demo network; seed one first (npm run seed -- --data-dir ${options.dataDir}).`,
    );
  }
  const parts = await openNetworkParts(options);
  try {
    return await runNetwork(parts, options);
  } catch (error) {
    await parts.stop();
    throw error;
  }
}

/** What a running network holds, and how it stops them in order. */
interface NetworkParts {
  readonly ledger: LedgerAdapter;
  readonly outbox: LedgerOutbox;
  readonly billingStore: BillingStore;
  readonly registry: Registry;
  gateway?: Gateway;
  /** The business systems the network started itself (none when it was given `systems`). */
  started?: DemoSystems;
  stop(): Promise<void>;
}

/** Opens the book, the registry's store, the ledger and its outbox, and the registry over them. */
async function openNetworkParts(options: DemoNetworkOptions): Promise<NetworkParts> {
  const billingStore = openSqliteBillingStore({ path: join(options.dataDir, BILLING_FILE) });
  const registryStore = openSqliteRegistryStore({ path: join(options.dataDir, REGISTRY_FILE) });
  let ledger: LedgerAdapter;
  try {
    // The book and the registry keep the ledger's signed head: a ledger behind it does not open (LEDGER_HEAD_MISMATCH).
    ledger = await createLedger(
      { kind: 'embedded', path: join(options.dataDir, LEDGER_FILE) },
      { logger: options.logger, checkpoints: { witnesses: [billingStore, registryStore] } },
    );
  } catch (error) {
    await billingStore.close();
    await registryStore.close();
    throw error;
  }
  // The one way to the ledger for the registry's evidence and the gateway's resolutions and trades; what it holds survives a crash.
  const outbox = openLedgerOutbox({
    ledger,
    path: join(options.dataDir, OUTBOX_FILE),
    logger: options.logger,
  });
  // Feedback on a system is taken only from applications that paid it for data.
  const registry: Registry = createRegistry({
    store: registryStore,
    authorityPrefix: DEMO_AUTHORITY_PREFIX,
    // Every part of the demo runs on this machine: the registry may call loopback addresses, and
    // nothing else a real registry refuses.
    outbound: DEVELOPMENT_OUTBOUND,
    logger: options.logger,
    ledger,
    outbox,
    tradedWith: (appId, systemCode) => billingStore.tradedWith(appId, systemCode),
  });
  const parts: NetworkParts = {
    ledger,
    outbox,
    billingStore,
    registry,
    stop: async () => {
      await parts.gateway
        ?.stop()
        .catch((e: unknown) => options.logger.error(`gateway stop failed: ${String(e)}`));
      await parts.started?.stop();
      await registry.close();
      await outbox.close();
      // The ledger publishes its last head to the book as it closes: the book closes after it.
      await ledger.close();
      await billingStore.close();
    },
  };
  return parts;
}

/** Starts the gateway and the systems, registers them and the demo application. */
async function runNetwork(parts: NetworkParts, options: DemoNetworkOptions): Promise<DemoNetwork> {
  // From now on the ledger, its node key, the registry and the book belong to this network.
  recordDemoDataFiles(options.dataDir);
  const adminKey = await parts.registry.bootstrapAdminKey('demo console');
  // A fresh grant key per run: nothing secret is stored; the systems get the public half at start.
  const signingKey = options.grantKey ?? generateKeyPairSync('ed25519').privateKey;
  const gateway = (parts.gateway = createDemoGateway(parts, signingKey, options));
  await gateway.start();
  const gatewayUrl = await gateway.listen(options.port, options.host);
  const registryUrl = new URL('/registry', gatewayUrl).toString();
  const gatewayPublicKeyPem = createPublicKey(signingKey)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const systems =
    options.systems ??
    (parts.started = await startDemoSystems({ ...options, gatewayPublicKeyPem })).systems.map(
      ({ name, title, url }) => ({ name, title, url }),
    );
  // ... and so do the systems' anchor journals.
  recordDemoDataFiles(options.dataDir);
  const operators = await registerDemoSystems({
    registryUrl,
    adminKey,
    dataDir: options.dataDir,
    urls: new Map(systems.map((s) => [s.name, s.url])),
    logger: options.logger,
  });
  await waitForComposition(
    gateway,
    DEMO_SYSTEMS.map((s) => s.name),
  );
  await parts.registry.flushLedgerEvidence();
  const running = parts.started;
  const anchored = await anchorSystems(
    operators,
    registryUrl,
    running
      ? (name, credentials) => running.startAnchoring(name, credentials)
      : options.startAnchoring,
    options,
  );
  const application = await registerDemoApplication(registryUrl, adminKey);
  const balanceFen =
    options.billing === false
      ? 0
      : await fundDemoApplication(registryUrl, adminKey, application.appId);
  return {
    gatewayUrl,
    ledgerPath: join(options.dataDir, LEDGER_FILE),
    registryUrl,
    adminKey,
    application: { ...application, balanceFen },
    anchored,
    systems,
    ledgerCalls: () => parts.ledger.stats,
    stop: () => parts.stop(),
  };
}

function createDemoGateway(
  parts: NetworkParts,
  signingKey: KeyObject,
  options: DemoNetworkOptions,
): Gateway {
  return createGateway({
    registry: parts.registry,
    access: {
      ledger: parts.ledger,
      signingKey,
      outbox: parts.outbox,
      ...(options.billing === false
        ? {}
        : { billing: { store: parts.billingStore, tariff: DEMO_TARIFF } }),
    },
    logger: options.logger,
    pollIntervalMs: 5_000,
  });
}

/**
 * Hands each registered system its credentials so that it anchors its values; returns the
 * commitments their first passes anchored (0 when there is no way to reach the systems).
 */
async function anchorSystems(
  operators: ReadonlyMap<string, { readonly code: string; readonly apiKey: string }>,
  registryUrl: string,
  startAnchoring: DemoSystems['startAnchoring'] | undefined,
  options: DemoNetworkOptions,
): Promise<number> {
  if (!startAnchoring) return 0;
  const counts = await Promise.all(
    [...operators].map(([name, o]) =>
      startAnchoring(name, {
        registryUrl,
        systemCode: o.code,
        apiKey: o.apiKey,
        intervalMs: options.anchorIntervalMs ?? 600_000,
      }),
    ),
  );
  const anchored = counts.reduce((a, b) => a + b, 0);
  options.logger.info(`the business systems anchored ${anchored} field commitments on the ledger`);
  return anchored;
}

/** Registration triggers recomposition; wait until the supergraph has every system. */
async function waitForComposition(gateway: Gateway, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!names.every((n) => gateway.status().composed.includes(n))) {
    if (Date.now() > deadline)
      throw new Error(
        `the supergraph did not take up ${names.filter((n) => !gateway.status().composed.includes(n)).join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
