/**
 * The soak's network: one process that seeds a fresh demo plant and starts the demo network as
 * `npm start` does (gateway, registry, embedded ledger and billing book in this process; the five
 * business systems as its children), then tells its parent over IPC where everything is.
 *
 *   node dist/scripts/soak/soak-network-process.js --data-dir <empty dir> [--anchor-interval-ms 30000]
 *
 * (compiled, as `npm run soak` runs it; from sources, `node --import tsx` on the `.ts` file).
 *
 * The parent may ask for this process's memory (`memory`) and stops it with `stop` or SIGTERM.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createConsoleLogger,
  createGraphqlClient,
  ensureOwnerOnlyDirectory,
  type Logger,
} from '../../schema/index.js';
import { tuneHeapForService } from '../../gateway/index.js';
import { BILLING_FILE, seedDemoData, startDemoNetwork, type DemoNetwork } from '../demo/index.js';
import type { SoakNetworkReply, SoakNetworkRequest } from './soak-messages.js';

/** What the application is topped up with at start, so the first minutes never run dry. */
const OPENING_TOP_UP_FEN = 1_000_000_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'anchor-interval-ms': { type: 'string', default: '30000' },
    },
  });
  const dataDir = values['data-dir'];
  const anchorIntervalMs = Number(values['anchor-interval-ms']);
  if (dataDir === undefined || !Number.isInteger(anchorIntervalMs) || anchorIntervalMs < 1_000) {
    throw new Error(
      'usage: soak-network-process --data-dir <empty dir> [--anchor-interval-ms N >= 1000]',
    );
  }
  // The gateway's process, tuned as `gridmark serve` tunes it: the soak measures what operators run.
  tuneHeapForService();
  const logger = createConsoleLogger('soak-network');
  ensureOwnerOnlyDirectory(dataDir, { tighten: true, logger });
  seedDemoData(dataDir);
  const network = await startDemoNetwork({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger,
    anchorIntervalMs,
  });
  await createGraphqlClient({ url: network.registryUrl, apiKey: network.adminKey }).request(
    'mutation ($app: ID!, $amount: Fen!, $ref: String!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: $ref) { balanceFen } }',
    {
      app: network.application.appId,
      amount: OPENING_TOP_UP_FEN,
      ref: `soak-opening-${process.pid}`,
    },
  );
  const send = (reply: SoakNetworkReply): void => void process.send?.(reply);
  handleParent(network, send, logger);
  send({
    type: 'ready',
    gatewayUrl: network.gatewayUrl,
    registryUrl: network.registryUrl,
    adminKey: network.adminKey,
    appId: network.application.appId,
    apiKey: network.application.apiKey,
    ledgerPath: network.ledgerPath,
    billingPath: join(dataDir, BILLING_FILE),
    dataDir,
    anchored: network.anchored,
  });
}

function handleParent(
  network: DemoNetwork,
  send: (reply: SoakNetworkReply) => void,
  logger: Logger,
): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    network
      .stop()
      .catch((error: unknown) => {
        logger.error(`stop failed: ${String(error)}`);
        process.exitCode = 1;
      })
      .finally(() => {
        send({ type: 'stopped' });
        if (process.connected) process.disconnect();
      });
  };
  process.on('message', (message: SoakNetworkRequest) => {
    if (message.type === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
    if (message.type === 'stop') stop();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak network failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
  if (process.connected) process.disconnect();
});
