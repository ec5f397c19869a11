import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../schema/index.js';
import { DEMO_SYSTEMS } from '../systems/demo-systems.js';
import { LEDGER_FILE, recordDemoDataFiles } from '../data-directory/demo-data-files.js';
import { fundDemoApplication, registerDemoApplication } from './demo-application.js';
import { DEMO_GATEWAY_DATA_DIRECTORY, prepareDemoGateway } from './demo-gateway-config.js';
import { registerDemoSystems } from './demo-registration.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { startServedSystems, writeSystemKeyFile, type ServedSystems } from './served-systems.js';

/** The demo network as an operator runs it: `gridmark serve` and five `gridmark system serve`. */
export interface ServedDemo {
  readonly gatewayUrl: string;
  readonly registryUrl: string;
  /** The gateway's process (`gridmark serve --config <configFile>`). */
  readonly gateway: {
    readonly pid: number | undefined;
    readonly kid: string;
    readonly configFile: string;
  };
  readonly ledgerPath: string;
  /** The platform admin key `gridmark init` minted, and the owner-only file keeping it. */
  readonly adminKey: string;
  readonly adminKeyFile: string;
  readonly application: {
    readonly appId: string;
    readonly apiKey: string;
    readonly balanceFen: number;
  };
  /** Values the systems' first anchoring passes of this start committed. */
  readonly anchored: number;
  readonly systems: readonly {
    readonly name: string;
    readonly title: string;
    readonly url: string;
  }[];
  /** Stops the systems, then the gateway (which drains its queries). */
  stop(): Promise<void>;
}

/**
 * Runs the demo network over a seeded `dataDir` from the product's own commands: initialises the
 * gateway on the first start (`gridmark init`'s path), runs `gridmark serve --config`, runs the
 * five systems with `gridmark system serve --config`, registers them and the demo application
 * through the registry API, hands each system its key file and waits for its first anchoring,
 * and funds the application. Whatever was started is stopped again when a step fails.
 */
export async function startServedDemo(options: {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logger: Logger;
}): Promise<ServedDemo> {
  const { dataDir, logger } = options;
  const config = await prepareDemoGateway(dataDir, logger);
  recordDemoDataFiles(dataDir);
  const gateway = await startGatewayProcess({ ...options, configFile: config.configFile });
  let systems: ServedSystems | undefined;
  const stop = async (): Promise<void> => {
    await systems?.stop();
    await gateway.stop();
  };
  try {
    const registryUrl = new URL('/registry', gateway.url).toString();
    systems = await startServedSystems({
      ...options,
      jwksUrl: new URL('/.well-known/jwks.json', gateway.url).toString(),
      registryUrl,
    });
    recordDemoDataFiles(dataDir);
    const { anchored, registered } = await registerAndAnchor(
      systems,
      registryUrl,
      config.adminKey,
      options,
    );
    const application = await registerDemoApplication(registryUrl, config.adminKey);
    const balanceFen = await fundDemoApplication(registryUrl, config.adminKey, application.appId);
    await waitForComposition(gateway, registered);
    return {
      gatewayUrl: gateway.url,
      registryUrl,
      gateway: { pid: gateway.pid, kid: gateway.kid, configFile: config.configFile },
      ledgerPath: join(dataDir, DEMO_GATEWAY_DATA_DIRECTORY, LEDGER_FILE),
      adminKey: config.adminKey,
      adminKeyFile: config.adminKeyFile,
      application: { ...application, balanceFen },
      anchored,
      systems: systems.systems.map(({ name, title, url }) => ({ name, title, url })),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Registers the systems (with the keys their files kept from an earlier start, if any), writes
 * each system's key file, and waits for their first anchoring passes.
 */
async function registerAndAnchor(
  systems: ServedSystems,
  registryUrl: string,
  adminKey: string,
  options: { readonly dataDir: string; readonly logger: Logger },
): Promise<{ anchored: number; registered: readonly string[] }> {
  const knownKeys = new Map(
    systems.systems
      .filter((s) => existsSync(s.apiKeyFile))
      .map((s) => [s.name, readFileSync(s.apiKeyFile, 'utf8').trim()] as const),
  );
  const operators = await registerDemoSystems({
    registryUrl,
    adminKey,
    dataDir: options.dataDir,
    urls: new Map(systems.systems.map((s) => [s.name, s.url])),
    logger: options.logger,
    knownKeys,
  });
  for (const system of systems.systems) {
    const key = operators.get(system.name)?.apiKey;
    if (key !== undefined && key !== knownKeys.get(system.name))
      writeSystemKeyFile(system.apiKeyFile, key);
  }
  const counts = await Promise.all([...operators.keys()].map((name) => systems.anchored(name)));
  const anchored = counts.reduce((a, b) => a + b, 0);
  options.logger.info(`the business systems anchored ${anchored} field commitments on the ledger`);
  return { anchored, registered: [...operators.keys()] };
}

/** Registration recomposes the supergraph; waits until the gateway's schema has every system's fields. */
async function waitForComposition(
  gateway: GatewayProcess,
  registered: readonly string[],
): Promise<void> {
  const wanted = DEMO_SYSTEMS.filter((s) => registered.includes(s.name)).map(
    (s) => Object.keys(s.feesFen)[0] ?? '',
  );
  const deadline = Date.now() + 30_000;
  let missing = wanted;
  while (Date.now() < deadline) {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __type(name: "Device") { fields { name } } }' }),
    }).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as
      { data?: { __type?: { fields?: { name: string }[] } | null } } | undefined;
    const names = new Set((body?.data?.__type?.fields ?? []).map((f) => f.name));
    missing = wanted.filter((n) => !names.has(n));
    if (missing.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the supergraph did not take up the fields ${missing.join(', ')}`);
}
