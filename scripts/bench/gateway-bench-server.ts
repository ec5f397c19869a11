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
import { createConsoleLogger, createGraphqlClient, type Logger } from '../../schema/index.js';
import { FUNCTION_HEADER, ROLE_HEADER } from '../../gateway/index.js';
import {
  DEMO_APPLICATION,
  startDemoNetwork,
  type AnchoringCredentials,
  type DemoSystemEndpoint,
} from '../demo/index.js';
import { startBareGateway, startOpenGateway } from './baseline-gateways.js';

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

type GatewayKind = 'bare' | 'open' | 'checked' | 'gridmark';

async function main(): Promise<void> {
  // tsx turns on source maps, which make every \`new Error().stack\` costly; Apollo's HTTP agent
  // takes one per subgraph request. A deployment runs compiled JavaScript without them, and so
  // does every gateway measured here.
  process.setSourceMapsEnabled(false);
  const { kind, dataDir, systems } = readOptions();
  const logger = createConsoleLogger(`${kind}-gateway`);
  const parent = new ParentChannel();
  const running: Running =
    kind === 'bare'
      ? { ...(await startBareGateway({ dataDir, systems })), headers: {} }
      : kind === 'open'
        ? { ...(await startOpenGateway({ dataDir, systems, logger })), headers: {} }
        : // gridmark as `npm start` runs it charges per use; `checked` measures access control alone.
          await startGridmark({ dataDir, systems, logger, charging: kind === 'gridmark', parent });
  stopOnSignals(running, logger);
  parent.send({ type: 'ready', url: running.url, headers: running.headers });
}

function readOptions(): {
  kind: GatewayKind;
  dataDir: string;
  systems: DemoSystemEndpoint[];
} {
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
  return { kind, dataDir, systems: JSON.parse(values.systems) as DemoSystemEndpoint[] };
}

/** The parent process: it asks for the CPU time, and relays the business systems' anchoring. */
class ParentChannel {
  /** Where gridmark's ledger calls so far are read, once it runs. */
  ledgerCalls: (() => LedgerCallStats) | undefined;
  readonly #anchoring = new Map<string, (anchored: number) => void>();

  constructor() {
    process.on('message', (message: GatewayBenchRequest) => this.#receive(message));
  }

  send(reply: GatewayBenchReply): void {
    void process.send?.(reply);
  }

  /** The business systems are the parent's children: it relays their registration to them. */
  startAnchoring(name: string, credentials: AnchoringCredentials): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#anchoring.set(name, (anchored) =>
        anchored < 0
          ? reject(new Error(`business system "${name}" could not anchor its values`))
          : resolve(anchored),
      );
      this.send({ type: 'anchor', name, credentials });
    });
  }

  #receive(message: GatewayBenchRequest): void {
    if (message.type === 'anchored') this.#anchoring.get(message.name)?.(message.anchored);
    if (message.type !== 'cpu') return;
    const usage = process.cpuUsage();
    const ledger = this.ledgerCalls?.();
    this.send({ type: 'cpu', micros: usage.user + usage.system, ...(ledger ? { ledger } : {}) });
  }
}

/** The demo network's gateway over the parent's systems, as `npm start` runs it. */
async function startGridmark(options: {
  readonly dataDir: string;
  readonly systems: readonly DemoSystemEndpoint[];
  readonly logger: Logger;
  readonly charging: boolean;
  readonly parent: ParentChannel;
}): Promise<Running> {
  const { charging, parent } = options;
  const grantKeyPem = process.env['GATEWAY_BENCH_GRANT_KEY'];
  const network = await startDemoNetwork({
    port: 0,
    host: '127.0.0.1',
    dataDir: options.dataDir,
    logger: options.logger,
    systems: options.systems,
    startAnchoring: (name, credentials) => parent.startAnchoring(name, credentials),
    billing: charging,
    ...(grantKeyPem ? { grantKey: createPrivateKey(grantKeyPem) } : {}),
  });
  // Every query is paid for, as in the demo: fund the application for the whole run.
  if (charging)
    await fundForBenchmark(network.registryUrl, network.adminKey, network.application.appId);
  parent.ledgerCalls = () => network.ledgerCalls();
  return {
    url: network.gatewayUrl,
    headers: {
      authorization: `Bearer ${network.application.apiKey}`,
      [FUNCTION_HEADER]: DEMO_APPLICATION.function,
      [ROLE_HEADER]: 'om-engineer',
    },
    stop: () => network.stop(),
  };
}

function stopOnSignals(running: Running, logger: Logger): void {
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
