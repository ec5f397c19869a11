/**
 * One gateway of the gateway benchmark, in its own process so that the load generator does not
 * share its CPU:
 *
 *   node --import tsx scripts/bench/gateway-bench-server.ts --kind bare|gridmark --data-dir <dir> --systems '<json>'
 *
 * `--systems` is the JSON list of the running business systems (`name`, `title`, `url`).
 * `gridmark` runs the demo network's gateway as `npm start` does (registry and embedded ledger in
 * `--data-dir`, the systems registered through the registry API) over those systems; `bare` runs
 * Apollo Gateway and Apollo Server alone. The parent learns the URL over IPC (`ready`), may ask
 * for the process's CPU time (`cpu`, answered in microseconds), and stops it with SIGTERM.
 */
import { parseArgs } from 'node:util';
import { createConsoleLogger } from '../../schema/index.js';
import { startDemoNetwork, type DemoSystemEndpoint } from '../demo-network.js';
import { startBareGateway } from './bare-apollo-gateway.js';

/** Messages from the parent. */
export type GatewayBenchRequest = { readonly type: 'cpu' };
/** Messages to the parent. */
export type GatewayBenchReply = { readonly type: 'ready'; readonly url: string } | { readonly type: 'cpu'; readonly micros: number };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { kind: { type: 'string' }, 'data-dir': { type: 'string' }, systems: { type: 'string' } } });
  const dataDir = values['data-dir'];
  if ((values.kind !== 'bare' && values.kind !== 'gridmark') || dataDir === undefined || values.systems === undefined) {
    throw new Error('usage: gateway-bench-server --kind bare|gridmark --data-dir <dir> --systems <json>');
  }
  const systems = JSON.parse(values.systems) as DemoSystemEndpoint[];
  const logger = createConsoleLogger(`${values.kind}-gateway`);
  const running =
    values.kind === 'bare'
      ? await startBareGateway({ dataDir, systems })
      : await startDemoNetwork({ port: 0, host: '127.0.0.1', dataDir, logger, systems }).then((n) => ({ url: n.gatewayUrl, stop: () => n.stop() }));
  const send = (reply: GatewayBenchReply): void => void process.send?.(reply);
  process.on('message', (message: GatewayBenchRequest) => {
    if (message.type !== 'cpu') return;
    const usage = process.cpuUsage();
    send({ type: 'cpu', micros: usage.user + usage.system });
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running
      .stop()
      .catch((error: unknown) => {
        logger.error(`stop failed: ${String(error)}`);
        process.exitCode = 1;
      })
      .finally(() => {
        if (process.connected) process.disconnect();
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  send({ type: 'ready', url: running.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway for the benchmark failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
  if (process.connected) process.disconnect();
});
