/**
 * `npm start`: the demo network on the embedded defaults. Seeds the demo PV plant on first run,
 * starts the five business systems and the gateway, prints where they are and a query to try,
 * and shuts everything down on Ctrl-C.
 *
 *   npm start -- [--port 4000] [--host 127.0.0.1] [--data-dir data/demo] [--reseed]
 */
import { parseArgs } from 'node:util';
import { createConsoleLogger, GridmarkError } from '../schema/index.js';
import { demoDataExists, seedDemoData } from './demo-data.js';
import { startDemoNetwork, type DemoNetwork } from './demo-network.js';

const SAMPLE_DEVICE = '88.1001.1/PVI-000001';
const SAMPLE_QUERY = `{ device(id: "${SAMPLE_DEVICE}") { id kind heldBy model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW lastReadingAt maintenanceRecords { time fault remedy } assetStatus assetValueFen } }`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['PORT'] ?? '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: 'data/demo' },
      reseed: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_530) throw new GridmarkError('BAD_CONFIGURATION', `--port must be an integer from 0 to 65530, not "${values.port}".`);
  const logger = createConsoleLogger('gridmark');
  const dataDir = values['data-dir'];
  if (values.reseed || !demoDataExists(dataDir)) {
    const seeded = seedDemoData(dataDir);
    logger.info(`seeded the demo plant: ${seeded.devices} devices, ${seeded.keyDevices} held by two or more systems, in ${dataDir}`);
  }
  const network = await startDemoNetwork({ port, host: values.host, dataDir, logger });
  printBanner(network);
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
}

function printBanner(network: DemoNetwork): void {
  const url = network.gatewayUrl.replace('127.0.0.1', 'localhost');
  const body = JSON.stringify({ query: SAMPLE_QUERY }).replace(/'/g, "'\\''");
  const lines = [
    '',
    'gridmark demo network is ready',
    '',
    `  Gateway (GraphQL, Apollo Sandbox): ${url}`,
    `  Registry API (GraphQL):            ${url}registry`,
    `  Identifier resolver:               ${url}id/${SAMPLE_DEVICE}`,
    ...network.systems.map((s) => `  ${s.title.padEnd(34)} ${s.url}`),
    '',
    `  Embedded ledger:                   ${network.ledgerPath}   (npm run gridmark -- ledger show --path ${network.ledgerPath})`,
    `  Platform admin key for this run (shown once): ${network.adminKey}`,
    '',
    'Try one device across all five business systems:',
    '',
    `  curl -s ${url} -H 'content-type: application/json' \\`,
    `    -d '${body}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  const code = error instanceof GridmarkError ? error.exitCode : 1;
  process.stderr.write(`gridmark demo failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = code;
});
