/**
 * Runs one demo business system as its own process: its SQLite database, its subgraph and its
 * anchoring.
 *
 *   node --import tsx scripts/demo/run-demo-system.ts --system monitoring --port 4003 --db data/demo/monitoring.db \
 *     [--journal data/demo/monitoring.anchors.db]
 *
 * With `GRIDMARK_GATEWAY_PUBLIC_KEY` (PEM) set, the subgraph serves only requests that carry a
 * grant signed by that gateway. Under `npm start` it tells its parent its URL over IPC, and starts
 * anchoring when the parent sends it the credentials its registration produced; on SIGINT or
 * SIGTERM it stops serving and closes its database.
 */
import { parseArgs } from 'node:util';
import { createConsoleLogger, grantPublicKey } from '../../schema/index.js';
import {
  createAnchorer,
  createRegistryAnchorSink,
  defineSubgraph,
  openAnchorJournal,
  serveSubgraph,
  type Anchorer,
  type SubgraphOptions,
} from '../../subgraphs/index.js';
import { demoSystem } from './systems/demo-systems.js';
import { listIdentifierHoldings, openSystemDatabase } from './systems/sqlite-store.js';

/** What the parent sends once the system is registered. */
interface AnchorMessage {
  readonly type: 'anchor';
  readonly registryUrl: string;
  readonly systemCode: string;
  readonly apiKey: string;
  readonly intervalMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      system: { type: 'string' },
      port: { type: 'string', default: '0' },
      db: { type: 'string' },
      journal: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const system = demoSystem(values.system ?? '');
  if (!system || values.db === undefined)
    throw new Error(
      'usage: run-demo-system --system <production|construction|monitoring|om|asset> --db <file> [--journal <file>] [--port N]',
    );
  const logger = createConsoleLogger(system.name);
  const db = openSystemDatabase(values.db);
  const journal = values.journal === undefined ? undefined : openAnchorJournal(values.journal);
  const publicKey = process.env['GRIDMARK_GATEWAY_PUBLIC_KEY'];
  const options: SubgraphOptions = {
    access: publicKey
      ? { kind: 'grants', gatewayPublicKey: grantPublicKey(publicKey) }
      : { kind: 'open' },
    ...(journal ? { journal } : {}),
  };
  const declaration = system.declare(db);
  const subgraph = defineSubgraph(declaration, options);
  const running = await serveSubgraph(
    subgraph,
    { port: Number(values.port), host: values.host },
    { logger },
  );
  logger.info(`serving ${system.title} at ${running.url}${publicKey ? ' (grants required)' : ''}`);
  let anchorer: Anchorer | undefined;
  process.on('message', (message: AnchorMessage) => {
    if (message.type !== 'anchor' || !journal || anchorer) return;
    anchorer = createAnchorer({
      declaration,
      listDevices: () => Promise.resolve(listIdentifierHoldings(db).map((h) => h.identifier)),
      journal,
      sink: createRegistryAnchorSink({
        registryUrl: message.registryUrl,
        systemCode: message.systemCode,
        apiKey: message.apiKey,
      }),
      logger,
    });
    const current = anchorer;
    current
      .anchorPass()
      .then(({ anchored }) => {
        process.send?.({ type: 'anchored', anchored });
        current.start(message.intervalMs);
      })
      .catch((error: unknown) => {
        logger.error(`anchoring failed: ${error instanceof Error ? error.message : String(error)}`);
        process.send?.({ type: 'anchored', anchored: -1 });
      });
  });
  process.send?.({ type: 'ready', system: system.name, url: running.url });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.all([running.stop(), anchorer?.stop()])
      .finally(() => {
        journal?.close();
        db.close();
        process.disconnect?.();
      })
      .catch(() => (process.exitCode = 1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `business system failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
