import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GATEWAY_JWKS_PATH, GridmarkError, type Logger } from '../../schema/index.js';
import {
  grantKeySet,
  readGrantKeyFile,
  resolveConfigPaths,
  type GatewayConfig,
  type LoadedConfig,
} from '../config/index.js';
import { createGateway } from '../create-gateway.js';
import type { Gateway, GatewayOptions, GatewayTls } from '../gateway-options.js';
import { createGatewayLogger } from '../observability/index.js';
import { createCorsRoute } from './cors-route.js';
import { checkGatewayDataFiles } from './gateway-data-files.js';
import { openGatewayStores, type GatewayStores } from './gateway-stores.js';
import { createKeySetRoute } from './key-set-route.js';

/** A gateway serving from its configuration. */
export interface ConfiguredGateway {
  /** The GraphQL endpoint, `http(s)://host:port/`. */
  readonly url: string;
  readonly registryUrl: string;
  /** The grant-verifying key set business systems fetch. */
  readonly jwksUrl: string;
  /** The id of the key grants are signed with. */
  readonly kid: string;
  readonly gateway: Gateway;
  /** Drains in-flight queries (within `shutdownGraceMs`), then closes the stores in order. */
  stop(): Promise<void>;
}

/** The GraphQL endpoint's paths and the registry's: where CORS answers. */
const CORS_PATHS = ['/', '/graphql', '/registry'];

/**
 * Starts the gateway a configuration describes, over the data `gridmark init` made: checks that
 * every store and key file is there (nothing is created or seeded), opens the stores, the ledger
 * (embedded or Fabric), the outbox and the registry, and serves HTTP, or HTTPS with `tls`, with
 * access control, billing (unless `billing.enabled` is false), CORS for `cors.origins`, and the
 * grant keys of `keys.grantKeyFile` (the newest signs; all unretired are published as a JWKS).
 *
 * @throws GridmarkError `DATA_FILE_MISSING` / `DATA_FILE_UNREADABLE` naming a file,
 *   `KEY_FILE_EXPOSED` for a grant key file others may read, `BAD_CONFIGURATION` for an unreadable
 *   TLS file, and the ledger's own refusals; whatever was opened is closed again.
 */
export async function serveConfiguredGateway(
  loaded: LoadedConfig,
  options: { readonly logger?: Logger } = {},
): Promise<ConfiguredGateway> {
  const { config, baseDirectory } = loaded;
  const paths = resolveConfigPaths(config, baseDirectory);
  checkGatewayDataFiles(config, paths);
  const ring = readGrantKeyFile(paths.grantKeyFile);
  const tls = paths.tls ? readTls(paths.tls) : undefined;
  const logger = options.logger ?? createGatewayLogger({ name: 'gridmark', ...config.logging });
  const stores = await openGatewayStores(config, paths, baseDirectory, logger);
  let gateway: Gateway | undefined;
  try {
    const jwks = (await grantKeySet(ring)).keys;
    gateway = createGateway(
      gatewayOptions(config, stores, ring.signing.privateKey, {
        routes: [
          createCorsRoute({ origins: config.cors.origins, paths: CORS_PATHS }),
          createKeySetRoute(ring, jwks),
        ],
        ...(tls ? { tls } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    );
    await gateway.start();
    const url = await listen(gateway, config);
    const running = gateway;
    return {
      url,
      registryUrl: new URL('/registry', url).toString(),
      jwksUrl: new URL(GATEWAY_JWKS_PATH, url).toString(),
      kid: ring.signing.kid,
      gateway: running,
      stop: async () => {
        await running
          .stop()
          .catch((e: unknown) => logger.error(`gateway stop failed: ${String(e)}`));
        await stores.close();
      },
    };
  } catch (error) {
    await gateway?.stop().catch(() => undefined);
    await stores.close();
    throw error;
  }
}

/** The gateway's options from the configuration, over the opened stores. */
function gatewayOptions(
  config: GatewayConfig,
  stores: GatewayStores,
  signingKey: KeyObject,
  extra: Pick<GatewayOptions, 'routes' | 'tls' | 'logger'>,
): GatewayOptions {
  const { limits, billing } = config;
  return {
    registry: stores.registry,
    access: {
      ledger: stores.ledger,
      signingKey,
      outbox: stores.outbox,
      ...(billing.enabled
        ? {
            billing: {
              store: stores.billingStore,
              tariff: {
                commissionBasisPoints: billing.commissionBasisPoints,
                resolutionFeeFen: billing.resolutionFeeFen,
                registrationFeeFen: billing.registrationFeeFen,
              },
              receiptTimeoutMs: billing.receiptTimeoutMs,
            },
          }
        : {}),
    },
    mode: config.mode,
    subgraphTimeoutMs: limits.subgraphTimeoutMs,
    maxDevicesPerQuery: limits.maxDevicesPerQuery,
    limits: {
      maxDevices: limits.maxDevices,
      maxAliases: limits.maxAliases,
      maxDepth: limits.maxDepth,
      maxFields: limits.maxFields,
      maxTokens: limits.maxTokens,
    },
    observability: {
      logging: config.logging,
      metrics: config.metrics,
      tracing: {
        serviceName: config.tracing.serviceName,
        ...(config.tracing.otlpUrl === undefined ? {} : { otlpUrl: config.tracing.otlpUrl }),
      },
      readiness: config.readiness,
    },
    shutdownGraceMs: config.shutdownGraceMs,
    ...(config.explorer === undefined ? {} : { explorer: config.explorer }),
    ...extra,
  };
}

function readTls(files: { readonly cert: string; readonly key: string }): GatewayTls {
  const read = (path: string, setting: string) => {
    try {
      return readFileSync(path);
    } catch (cause) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `${setting}: ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`,
        { cause, details: { settings: [setting], file: path } },
      );
    }
  };
  return { cert: read(files.cert, 'tls.cert'), key: read(files.key, 'tls.key') };
}

/**
 * Listens where the configuration says.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming `listen.port` or `listen.host` when the address
 *   is taken, not this machine's, or not allowed.
 */
async function listen(gateway: Gateway, config: GatewayConfig): Promise<string> {
  const { host, port } = config.listen;
  try {
    return await gateway.listen(port, host);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problems: Readonly<Record<string, readonly [string, string]>> = {
      EADDRINUSE: ['listen.port', `${host}:${port} is in use by another process`],
      EACCES: ['listen.port', `${host}:${port} needs privileges this process does not have`],
      EADDRNOTAVAIL: ['listen.host', `${host} is not an address of this machine`],
      ENOTFOUND: ['listen.host', `${host} does not resolve to an address`],
    };
    const problem = code === undefined ? undefined : problems[code];
    if (!problem) throw cause;
    throw new GridmarkError('BAD_CONFIGURATION', `${problem[0]}: ${problem[1]}.`, {
      cause,
      details: { settings: [problem[0]] },
    });
  }
}
