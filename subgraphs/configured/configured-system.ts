import { createConsoleLogger, type Logger } from '../../schema/index.js';
import {
  defineSubgraph,
  openAnchorJournal,
  serveSubgraph,
  type AnchorJournal,
  type RunningSubgraph,
  type Subgraph,
} from '../kit/index.js';
import {
  startConfiguredAnchoring,
  type AnchoringState,
  type FirstPassOutcome,
} from './configured-anchoring.js';
import { declareConfiguredSystem, type ConfiguredDeclaration } from './configured-declaration.js';
import { openGatewayKeys, type GatewayKeys } from './gateway-keys.js';
import { createKeyedSubgraph } from './keyed-subgraph.js';
import { openPostgresSource } from './postgres-source.js';
import { openSqliteSource } from './sqlite-source.js';
import { GATEWAY_PUBLIC_KEY_ENV, type Environment } from './system-config-env.js';
import type { SystemConfig } from './system-config-schema.js';
import type { SystemSource } from './system-source.js';

/** A configured business system, serving. */
export interface RunningConfiguredSystem {
  readonly name: string;
  /** Where its subgraph answers, e.g. `http://127.0.0.1:4001/`. */
  readonly url: string;
  readonly subgraph: Subgraph;
  anchoring(): AnchoringState;
  /** Stops serving and anchoring (a pass under way finishes), then closes the journal and the database. */
  stop(): Promise<void>;
}

/** Options of {@link startConfiguredSystem}. */
export interface ConfiguredSystemOptions {
  readonly logger?: Logger;
  /** Where the password, the API key and the gateway's PEM are read; default `process.env`. */
  readonly env?: Environment;
  /**
   * Told when the first anchoring pass ends (once credentials are there), so that whoever runs
   * the system can wait until its values are anchored.
   */
  readonly onFirstAnchorPass?: (outcome: FirstPassOutcome) => void;
}

/**
 * Runs a business system from its config: opens its database read-only, checks the SQL returns
 * the configured columns, serves its subgraph (with grants of the gateway's keys required,
 * unless `gateway.access` is `open`) and anchors on its schedule when credentials are set.
 *
 * @throws GridmarkError `BAD_CONFIGURATION`, `BAD_DECLARATION`, `SOURCE_UNAVAILABLE` or
 *   `SOURCE_QUERY_FAILED`, naming the setting; whatever was opened is closed again.
 * @example
 * const running = await startConfiguredSystem(loadSystemConfig('asset.system.yaml'));
 * process.once('SIGTERM', () => void running.stop());
 */
export async function startConfiguredSystem(
  config: SystemConfig,
  options: ConfiguredSystemOptions = {},
): Promise<RunningConfiguredSystem> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createConsoleLogger(config.system.name);
  const opened: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => undefined);
  };
  try {
    const source = await openSource(config, env, logger);
    opened.push(() => source.close());
    const configured = declareConfiguredSystem(config, source, logger);
    await configured.check();
    const journal = openAnchorJournal(config.journal.path ?? `${config.system.name}.anchors.db`);
    opened.push(() => journal.close());
    const { subgraph, keys } = await buildSubgraph(config, configured, journal, env, logger);
    opened.push(() => keys?.stop());
    const running = await serveSubgraph(subgraph, config.listen, { logger });
    opened.push(() => running.stop());
    const anchoring = startConfiguredAnchoring({
      config,
      configured,
      journal,
      env,
      logger,
      ...(options.onFirstAnchorPass ? { onFirstPass: options.onFirstAnchorPass } : {}),
    });
    opened.push(() => anchoring.stop());
    logger.info(
      `serving ${config.system.title} at ${running.url} over ${source.kind}${config.gateway.access === 'open' ? ' (open: no grant required)' : ' (grants required)'}`,
    );
    return describe(running, subgraph, () => anchoring.state(), closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function describe(
  running: RunningSubgraph,
  subgraph: Subgraph,
  anchoring: () => AnchoringState,
  closeAll: () => Promise<void>,
): RunningConfiguredSystem {
  let stopping: Promise<void> | undefined;
  return {
    name: running.name,
    url: running.url,
    subgraph,
    anchoring,
    stop: () => (stopping ??= closeAll()),
  };
}

async function openSource(
  config: SystemConfig,
  env: Environment,
  logger: Logger,
): Promise<SystemSource> {
  const { source } = config;
  if (source.kind === 'sqlite') return openSqliteSource(source.path);
  const password = env[source.passwordEnv];
  return openPostgresSource({
    url: source.url,
    ...(password ? { password } : {}),
    statementTimeoutMs: source.statementTimeoutMs,
    poolSize: source.poolSize,
    connectTimeoutMs: source.connectTimeoutMs,
    applicationName: `gridmark-${config.system.name}`,
    logger,
  });
}

async function buildSubgraph(
  config: SystemConfig,
  configured: ConfiguredDeclaration,
  journal: AnchorJournal,
  env: Environment,
  logger: Logger,
): Promise<{ subgraph: Subgraph; keys?: GatewayKeys }> {
  const { gateway } = config;
  if (gateway.access === 'open')
    return {
      subgraph: defineSubgraph(configured.declaration, { access: { kind: 'open' }, journal }),
    };
  const pem = env[GATEWAY_PUBLIC_KEY_ENV];
  const keys = await openGatewayKeys({
    ...(pem ? { pem } : {}),
    ...(gateway.publicKeyFile === undefined ? {} : { publicKeyFile: gateway.publicKeyFile }),
    ...(gateway.jwksUrl === undefined ? {} : { jwksUrl: gateway.jwksUrl }),
    refreshSeconds: gateway.jwksRefreshSeconds,
    logger,
  });
  try {
    return {
      subgraph: createKeyedSubgraph(configured.declaration, {
        keys,
        journal,
        skewSeconds: gateway.grantSkewSeconds,
      }),
      keys,
    };
  } catch (error) {
    keys.stop();
    throw error;
  }
}
