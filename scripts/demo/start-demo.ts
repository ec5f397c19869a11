/**
 * `npm start`: the demo network on the embedded defaults. Seeds the demo PV plant on first run
 * (no data directory, or an empty one) and initialises its gateway as `gridmark init` does
 * (`<data-dir>/gateway.yaml`, grant keys and the admin key in `<data-dir>/keys/`, owner-only);
 * then runs what an operator runs, as child processes: `gridmark serve --config` and the five
 * business systems with `gridmark system serve --config` (their committed configurations), registers
 * them and the demo application through the registry API, prints where they are and a query to
 * try, and stops every process on Ctrl-C. A restart serves the same grant key and data. A data directory that
 * misses any file of its network, or holds one that cannot be read, is refused with the file's
 * name (`DATA_FILE_MISSING`, `DATA_FILE_UNREADABLE`, exit 8): nothing is seeded over it.
 * `--reseed` replaces the whole network (databases, anchor journals, ledger, registry, book):
 * after a confirmation on the terminal, or with `--yes`, the data directory is moved aside to
 * `<dir>.old-<time>` and a new plant is seeded; without either it is refused (`NOT_CONFIRMED`).
 *
 *   npm start -- [--port 4000] [--host 127.0.0.1] [--data-dir data/demo] [--reseed [--yes]]
 */
import { parseArgs } from 'node:util';
import {
  formatYuan,
  FETCH_BAD_PORTS,
  fetchBadPortMessage,
  createConsoleLogger,
  ensureOwnerOnlyDirectory,
  GridmarkError,
} from '../../schema/index.js';
import { DEMO_APPLICATION } from './network/demo-application.js';
import { seedDemoData } from './data-directory/demo-data.js';
import { inspectDemoDataDirectory } from './data-directory/demo-data-files.js';
import { confirmReseed, holdsDemoData, reseedDemoData } from './data-directory/demo-reseed.js';
import { DEMO_TARIFF } from './network/demo-network.js';
import { startServedDemo, type ServedDemo } from './network/served-demo.js';

const SAMPLE_DEVICE = '88.1001.1/PVI-000001';
const REFUSED_QUERY = `{ device(id: "${SAMPLE_DEVICE}") { model maintenanceRecords { fault } } }`;
const SAMPLE_QUERY = `{ device(id: "${SAMPLE_DEVICE}") { id kind heldBy model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW lastReadingAt maintenanceRecords { time fault remedy } assetStatus assetValueFen } }`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['PORT'] ?? '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: 'data/demo' },
      reseed: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_530)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `--port must be an integer from 0 to 65530, not "${values.port}".`,
    );
  // The gateway and the five systems after it: the systems, the CLI and any browser reach them with fetch.
  const badPort =
    port === 0
      ? undefined
      : [0, 1, 2, 3, 4, 5].map((offset) => port + offset).find((p) => FETCH_BAD_PORTS.has(p));
  if (badPort !== undefined)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `--port ${port}: the gateway or a business system after it ${fetchBadPortMessage(badPort)}`,
    );
  const logger = createConsoleLogger('gridmark');
  const dataDir = values['data-dir'];
  if (values.reseed && holdsDemoData(dataDir)) {
    // Asked for by name: the whole directory is moved aside, whatever state it is in.
    await confirmReseed(dataDir, { yes: values.yes });
    const seeded = reseedDemoData(dataDir);
    logger.info(
      `moved the previous demo network aside to ${seeded.movedTo ?? '(nothing)'}; seeded the demo plant: ${seeded.devices} devices, ${seeded.keyDevices} held by two or more systems, in ${dataDir}`,
    );
  } else if (inspectDemoDataDirectory(dataDir).kind === 'fresh') {
    // A new machine (no directory, or an empty one): seed. A directory missing any file of its
    // network was refused above, naming the file; it is never seeded over.
    const seeded = seedDemoData(dataDir);
    logger.info(
      `seeded the demo plant: ${seeded.devices} devices, ${seeded.keyDevices} held by two or more systems, in ${dataDir}`,
    );
  }
  ensureOwnerOnlyDirectory(dataDir, { tighten: true, logger });
  const network = await startServedDemo({ port, host: values.host, dataDir, logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping the demo network`);
    network
      .stop()
      .then(() => logger.info('stopped'))
      .catch((error: unknown) => {
        logger.error(`stop failed: ${String(error)}`);
        process.exitCode = 1;
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Only now: a Ctrl-C as soon as the banner shows must stop the network, not kill the process.
  printBanner(network);
}

function printBanner(network: ServedDemo): void {
  const url = network.gatewayUrl.replace('127.0.0.1', 'localhost');
  const quote = (text: string): string => text.replace(/'/g, "'\\''");
  const body = quote(JSON.stringify({ query: SAMPLE_QUERY }));
  const refused = quote(JSON.stringify({ query: REFUSED_QUERY }));
  const headers = (role: string): string =>
    `-H 'authorization: Bearer ${network.application.apiKey}' -H 'x-gridmark-function: ${DEMO_APPLICATION.function}' -H 'x-gridmark-role: ${role}'`;
  const lines = [
    '',
    'gridmark demo network is ready',
    '',
    `  Gateway (GraphQL, Apollo Sandbox): ${url}`,
    `  Explorer (works offline):          ${url}explorer`,
    `  Registry API (GraphQL):            ${url}registry`,
    `  Identifier resolver:               ${url}id/${SAMPLE_DEVICE}`,
    ...network.systems.map((s) => `  ${s.title.padEnd(34)} ${s.url}`),
    '',
    `  Embedded ledger:                   ${network.ledgerPath}   (npm run gridmark -- ledger show --path ${network.ledgerPath})`,
    `  Gateway process:                   gridmark serve --config ${network.gateway.configFile}   (pid ${network.gateway.pid ?? '?'}, grant key ${network.gateway.kid})`,
    `  Platform admin key (gridmark init minted it; kept owner-only in ${network.adminKeyFile}): ${network.adminKey}`,
    `  Application ${network.application.appId} "${DEMO_APPLICATION.name}", key for this run (shown once): ${network.application.apiKey}`,
    `  Its prepaid balance: ${formatYuan(network.application.balanceFen)} yuan; platform fees: ${DEMO_TARIFF.commissionBasisPoints / 100} % of field fees and ${formatYuan(DEMO_TARIFF.resolutionFeeFen)} yuan per charged query`,
    `  ${network.anchored} field commitments anchored on the ledger by the five systems`,
    '',
    'Try one device across all five business systems, as an O&M engineer (every value verified against the ledger):',
    '',
    `  curl -s ${url} -H 'content-type: application/json' ${headers('om-engineer')} \\`,
    `    -d '${body}'`,
    '',
    'The analyst role may not see maintenance records (FIELD_NOT_PERMITTED):',
    '',
    `  curl -s ${url} -H 'content-type: application/json' ${headers('analyst')} \\`,
    `    -d '${refused}'`,
    '',
    'Ask what a query costs before running it (a quote: nothing is fetched or charged):',
    '',
    `  curl -s ${url} -H 'content-type: application/json' ${headers('om-engineer')} -H 'x-gridmark-quote: only' \\`,
    `    -d '${body}'`,
    '',
    "Every charged query shows its price, the systems' shares and its ledger receipt in extensions.gridmark.charge. The money:",
    '',
    `  export GRIDMARK_REGISTRY=${url}registry GRIDMARK_API_KEY=${network.adminKey}`,
    `  npm run -s gridmark -- account top-up ${network.application.appId} --amount-fen 50000 --reference BANK-0001   # record a payment of 500 yuan, once`,
    `  npm run -s gridmark -- account show ${network.application.appId}        # the application's balance`,
    '  npm run -s gridmark -- finance statement 88.1001.5  # what the asset system earned (less its registration fee)',
    '  npm run -s gridmark -- finance settle               # close the period, pay the systems out',
    '',
    `Edit the asset register behind its back, then run the first query again (TAMPERED):  npm run demo:tamper -- ${SAMPLE_DEVICE}`,
    "Each TAMPERED value costs the asset system's enterprise 10 credit points; after the third it is below 60, suspended, and gone from the supergraph:",
    '  npm run -s gridmark -- credit history 88.1001.5',
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  const code = error instanceof GridmarkError ? error.exitCode : 1;
  const named =
    error instanceof GridmarkError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`gridmark demo failed to start: ${named}\n`);
  process.exitCode = code;
});
