/**
 * Runs one demo business system as its own process: its SQLite database and its subgraph.
 *
 *   node --import tsx scripts/run-demo-system.ts --system monitoring --port 4003 --db data/demo/monitoring.db
 *
 * Under `npm start` it tells its parent its URL over IPC; on SIGINT or SIGTERM it stops serving
 * and closes its database.
 */
import { parseArgs } from 'node:util';
import { createConsoleLogger } from '../schema/index.js';
import { serveSubgraph } from '../subgraphs/index.js';
import { demoSystem } from '../subgraphs/demo/demo-systems.js';
import { openSystemDatabase } from '../subgraphs/demo/sqlite-store.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { system: { type: 'string' }, port: { type: 'string', default: '0' }, db: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
  const system = demoSystem(values.system ?? '');
  if (!system || values.db === undefined) throw new Error('usage: run-demo-system --system <production|construction|monitoring|om|asset> --db <file> [--port N]');
  const logger = createConsoleLogger(system.name);
  const db = openSystemDatabase(values.db);
  const running = await serveSubgraph(system.createSubgraph(db), { port: Number(values.port), host: values.host }, { logger });
  logger.info(`serving ${system.title} at ${running.url}`);
  process.send?.({ type: 'ready', system: system.name, url: running.url });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running
      .stop()
      .finally(() => {
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
  process.stderr.write(`business system failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
