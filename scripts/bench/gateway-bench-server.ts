/**
 * One gateway of the gateway benchmark, in its own process so that the load generator does not
 * share its CPU:
 *
 *   node --import tsx scripts/bench/gateway-bench-server.ts --kind bare|open|checked|gridmark --data-dir <dir> --systems '<json>'
 *
 * `--systems` is the JSON list of the running business systems (`name`, `title`, `url`).
 * `open` runs gridmark's gateway over them without access control (a fixed list of systems and
 * the directory read from their databases, as the bare one has it); `gridmark` runs the demo
 * network's gateway as `npm start` does (registry and embedded ledger in `--data-dir`, access
 * control, per-use charging, the systems registered through the registry API and anchoring, the
 * demo application) over those systems, and `checked` the same without charging; `bare` runs Apollo Gateway and Apollo Server alone. The parent learns the URL over IPC (`ready`), may ask
 * for the process's CPU time (`cpu`, answered in microseconds, with gridmark's ledger calls so
 * far), and stops it with SIGTERM.
 */
import { createPrivateKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { LedgerCallStats } from '../../ledger-adapter/index.js';
import { createConsoleLogger, createGraphqlClient } from '../../schema/index.js';
import { FUNCTION_HEADER, ROLE_HEADER } from '../../gateway/index.js';
import {
  DEMO_APPLICATION,
  startDemoNetwork,
  type DemoSystemEndpoint,
  type DemoSystems,
} from '../demo/index.js';
import { startBareGateway, startOpenGateway } from './baseline-gateways.js';

/** What the demo network hands a business system so that it starts anchoring. */
type AnchoringCredentials = Parameters<DemoSystems['startAnchoring']>[1];

/** Messages from the parent. */
export type GatewayBenchRequest =
  | { readonly type: 'cpu' }
  | { readonly type: 'anchored'; readonly name: string; readonly anchored: number };
/** Messages to the parent. */
export type GatewayBenchReply =
  /** Serving; `headers` go with every request (gridmark's: the demo application's key, function and role). */
  | {
      readonly type: 'ready';
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly type: 'cpu'; readonly micros: number; readonly ledger?: LedgerCallStats }
  /** The parent, which runs the business systems, should tell `name` its registration (it answers `anchored`). */
  | { readonly type: 'anchor'; readonly name: string; readonly credentials: AnchoringCredentials };

/** A gateway serving for the benchmark. */
interface Running {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  // tsx turns on source maps, which make every \`new Error().stack\` costly; Apollo's HTTP agent
  // takes one per subgraph request. A deployment runs compiled JavaScript without them, and so
  // does every gateway measured here.
  process.setSourceMapsEnabled(false);
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' },
      'data-dir': { type: 'string' },
      systems: { type: 'string' },
    },
  });
  const dataDir = values['data-dir'];
  const kind = values.kind;
  if (
    (kind !== 'bare' && kind !== 'open' && kind !== 'checked' && kind !== 'gridmark') ||
    dataDir === undefined ||
    values.systems === undefined
  ) {
    throw new Error(
      'usage: gateway-bench-server --kind bare|open|checked|gridmark --data-dir <dir> --systems <json>',
    );
  }
  const systems = JSON.parse(values.systems) as DemoSystemEndpoint[];
  /** gridmark as `npm start` runs it charges per use; `checked` measures access control alone. */
  const charging = kind === 'gridmark';
  const logger = createConsoleLogger(`${kind}-gateway`);
  const send = (reply: GatewayBenchReply): void => void process.send?.(reply);
  const anchoring = new Map<string, (anchored: number) => void>();
  let ledgerCalls: (() => LedgerCallStats) | undefined;
  process.on('message', (message: GatewayBenchRequest) => {
    if (message.type === 'anchored') anchoring.get(message.name)?.(message.anchored);
    if (message.type !== 'cpu') return;
    const usage = process.cpuUsage();
    const ledger = ledgerCalls?.();
    send({ type: 'cpu', micros: usage.user + usage.system, ...(ledger ? { ledger } : {}) });
  });
  // The business systems are the parent's children: it relays their registration to them.
  const startAnchoring = (name: string, credentials: AnchoringCredentials): Promise<number> =>
    new Promise((resolve, reject) => {
      anchoring.set(name, (anchored) =>
        anchored < 0
          ? reject(new Error(`business system "${name}" could not anchor its values`))
          : resolve(anchored),
      );
      send({ type: 'anchor', name, credentials });
    });
  const startGridmark = async (): Promise<Running> => {
    const grantKeyPem = process.env['GATEWAY_BENCH_GRANT_KEY'];
    const network = await startDemoNetwork({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logger,
      systems,
      startAnchoring,
      billing: charging,
      ...(grantKeyPem ? { grantKey: createPrivateKey(grantKeyPem) } : {}),
    });
    // Every query is paid for, as in the demo: fund the application for the whole run.
    if (charging)
      await fundForBenchmark(network.registryUrl, network.adminKey, network.application.appId);
    ledgerCalls = () => network.ledgerCalls();
    return {
      url: network.gatewayUrl,
      headers: {
        authorization: `Bearer ${network.application.apiKey}`,
        [FUNCTION_HEADER]: DEMO_APPLICATION.function,
        [ROLE_HEADER]: 'om-engineer',
      },
      stop: () => network.stop(),
    };
  };
  const running: Running =
    kind === 'bare'
      ? { ...(await startBareGateway({ dataDir, systems })), headers: {} }
      : kind === 'open'
        ? { ...(await startOpenGateway({ dataDir, systems, logger })), headers: {} }
        : await startGridmark();
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
  send({ type: 'ready', url: running.url, headers: running.headers });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gateway for the benchmark failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
  if (process.connected) process.disconnect();
});

/** Tops the demo application up with ten million yuan, enough for any benchmark run. */
async function fundForBenchmark(
  registryUrl: string,
  adminKey: string,
  appId: string,
): Promise<void> {
  await createGraphqlClient({ url: registryUrl, apiKey: adminKey }).request(
    'mutation ($app: ID!, $ref: String!) { topUp(applicationId: $app, amountFen: 1000000000, paymentReference: $ref) { balanceFen } }',
    { app: appId, ref: `bench-${process.pid}-${Date.now()}` },
  );
}
