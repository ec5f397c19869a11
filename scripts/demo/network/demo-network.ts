import { fork, type ChildProcess } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteBillingStore,
  openSqliteRegistryStore,
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
  type LedgerCallStats,
} from '../../../ledger-adapter/index.js';
import {
  BILLING_FILE,
  LEDGER_FILE,
  OUTBOX_FILE,
  REGISTRY_FILE,
  inspectDemoDataDirectory,
  recordDemoDataFiles,
} from '../data/demo-data-files.js';
import { fundDemoApplication, registerDemoApplication } from './demo-application.js';
import { registerDemoSystems } from './demo-registration.js';

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

/** Where one demo business system serves its subgraph. */
export interface DemoSystemEndpoint {
  readonly name: string;
  readonly title: string;
  readonly url: string;
}

/** The five demo business systems, each running as its own process. */
export interface DemoSystems {
  /** The systems with their process ids (for measuring their CPU time). */
  readonly systems: readonly (DemoSystemEndpoint & { readonly pid: number | undefined })[];
  /** Tells a system its registration, so it starts anchoring; resolves with the commitments of its first pass. */
  startAnchoring(
    name: string,
    credentials: {
      readonly registryUrl: string;
      readonly systemCode: string;
      readonly apiKey: string;
      readonly intervalMs: number;
    },
  ): Promise<number>;
  /** Stops every system: SIGTERM, SIGKILL after 5 s. */
  stop(): Promise<void>;
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

const SYSTEM_ENTRY = fileURLToPath(new URL('../run-demo-system.ts', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

/**
 * Starts the five demo business systems, each its own process over its own database, then the
 * gateway composing them. Any failure on the way stops what was started. The data directory must
 * hold a seeded network, every file of which is present and readable (see
 * `../data/demo-data-files.ts`); nothing is opened otherwise. Given `systems` that
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
  let started: DemoSystems | undefined;
  let gateway: Gateway | undefined;
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
  const stop = async (): Promise<void> => {
    await gateway
      ?.stop()
      .catch((e: unknown) => options.logger.error(`gateway stop failed: ${String(e)}`));
    await started?.stop();
    await registry.close();
    await outbox.close();
    // The ledger publishes its last head to the book as it closes: the book closes after it.
    await ledger.close();
    await billingStore.close();
  };
  try {
    // From now on the ledger, its node key, the registry and the book belong to this network.
    recordDemoDataFiles(options.dataDir);
    const adminKey = await registry.bootstrapAdminKey('demo console');
    // A fresh grant key per run: nothing secret is stored; the systems get the public half at start.
    const signingKey = options.grantKey ?? generateKeyPairSync('ed25519').privateKey;
    const gatewayPublicKeyPem = createPublicKey(signingKey)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    gateway = createGateway({
      registry,
      access: {
        ledger,
        signingKey,
        outbox,
        ...(options.billing === false
          ? {}
          : { billing: { store: billingStore, tariff: DEMO_TARIFF } }),
      },
      logger: options.logger,
      pollIntervalMs: 5_000,
    });
    await gateway.start();
    const gatewayUrl = await gateway.listen(options.port, options.host);
    const registryUrl = new URL('/registry', gatewayUrl).toString();
    const systems =
      options.systems ??
      (started = await startDemoSystems({ ...options, gatewayPublicKeyPem })).systems.map(
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
    await registry.flushLedgerEvidence();
    let anchored = 0;
    const running = started;
    const startAnchoring: DemoSystems['startAnchoring'] | undefined = running
      ? (name, credentials) => running.startAnchoring(name, credentials)
      : options.startAnchoring;
    if (startAnchoring) {
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
      anchored = counts.reduce((a, b) => a + b, 0);
      options.logger.info(
        `the business systems anchored ${anchored} field commitments on the ledger`,
      );
    }
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
      ledgerCalls: () => ledger.stats,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts only the five demo business systems, each its own process over its database in
 * `dataDir`, on the five ports after `port` (or free ports when `port` is 0). Resolves when all
 * five serve; if one fails to start, stops the others and throws.
 */
export async function startDemoSystems(
  options: Omit<DemoNetworkOptions, 'systems' | 'startAnchoring'> & {
    readonly gatewayPublicKeyPem?: string;
    /** Extra Node arguments for a system's process (the benchmark's CPU profiles). */
    readonly nodeArguments?: (system: string) => readonly string[];
  },
): Promise<DemoSystems> {
  const children: ChildProcess[] = [];
  const byName = new Map<string, ChildProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
  };
  try {
    const systems = await Promise.all(
      DEMO_SYSTEMS.map(async (system) => {
        const port = options.port === 0 ? 0 : options.port + system.portOffset;
        const child = fork(
          SYSTEM_ENTRY,
          [
            '--system',
            system.name,
            '--port',
            String(port),
            '--host',
            options.host,
            '--db',
            join(options.dataDir, `${system.name}.db`),
            '--journal',
            join(options.dataDir, `${system.name}.anchors.db`),
          ],
          {
            execArgv: [
              '--import',
              import.meta.resolve('tsx'),
              ...(options.nodeArguments?.(system.name) ?? []),
            ],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            env: {
              ...process.env,
              ...(options.gatewayPublicKeyPem
                ? { GRIDMARK_GATEWAY_PUBLIC_KEY: options.gatewayPublicKeyPem }
                : {}),
            },
          },
        );
        children.push(child);
        byName.set(system.name, child);
        const url = await readyUrl(child, system.name);
        child.on('exit', (code, signal) => {
          if (code !== 0 || signal)
            options.logger.warn(
              `business system "${system.name}" exited (${signal ?? `code ${code}`}); its fields are null until it is back`,
            );
        });
        return { name: system.name, title: system.title, url, pid: child.pid };
      }),
    );
    const startAnchoring: DemoSystems['startAnchoring'] = (name, credentials) =>
      new Promise((resolve, reject) => {
        const child = byName.get(name);
        if (!child) return reject(new Error(`no demo system ${name}`));
        const timer = setTimeout(
          () => reject(new Error(`business system "${name}" did not finish anchoring in time`)),
          120_000,
        );
        const onMessage = (message: { type?: string; anchored?: number }): void => {
          if (message.type !== 'anchored') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          if ((message.anchored ?? -1) < 0)
            reject(new Error(`business system "${name}" could not anchor its values`));
          else resolve(message.anchored ?? 0);
        };
        child.on('message', onMessage);
        child.send({ type: 'anchor', ...credentials });
      });
    return { systems, startAnchoring, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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

function readyUrl(child: ChildProcess, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`business system "${name}" did not start within ${READY_TIMEOUT_MS / 1000} s`),
        ),
      READY_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`business system "${name}" exited during start (code ${code})`));
    });
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready' && typeof message.url === 'string') {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
