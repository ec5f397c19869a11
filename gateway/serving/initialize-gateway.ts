import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  GridmarkError,
  OWNER_ONLY_FILE_MODE,
  ensureOwnerOnlyDirectory,
  silentLogger,
  type Logger,
} from '../../schema/index.js';
import {
  createGrantKeyFile,
  parseGatewayConfig,
  renderStarterConfig,
  resolveConfigPaths,
  type Environment,
  type StarterValues,
} from '../config/index.js';
import { existingGatewayData } from './gateway-data-files.js';
import { openGatewayStores } from './gateway-stores.js';

/** Options of {@link initializeGateway}. */
export interface InitializeOptions {
  /** Where the data and keys directories go (`<dir>/data`, `<dir>/keys`). */
  readonly directory: string;
  /** The configuration file to write; default `<directory>/gridmark.yaml`. */
  readonly configFile?: string;
  /** Settings the starter file sets besides the usual ones (e.g. `listen.port`). */
  readonly values?: StarterValues;
  /** Variables laid over the new file, as `serve` will lay them (default `process.env`). */
  readonly env?: Environment;
  readonly logger?: Logger;
}

/** What {@link initializeGateway} made. */
export interface InitializedGateway {
  readonly configFile: string;
  readonly dataDirectory: string;
  readonly keysDirectory: string;
  /** The id of the first grant-signing key. */
  readonly kid: string;
  /** The first platform admin key: shown once, stored only as a hash in the registry. */
  readonly adminKey: string;
  /** The files created. */
  readonly files: readonly string[];
}

/** The label of the admin key `init` mints. */
export const INIT_ADMIN_LABEL = 'platform admin (gridmark init)';

/**
 * Makes a new gateway: a commented starter configuration, the data directory (0700) with its
 * empty stores (registry, book, outbox, embedded ledger), the keys directory (0700) with the
 * ledger's node key and the grant key file (0600), and the first platform admin key, returned
 * once (the registry keeps only its hash). Nothing that exists is overwritten.
 *
 * @throws GridmarkError `ALREADY_INITIALIZED` naming the configuration file or data found;
 *   `BAD_CONFIGURATION` when the environment makes the new configuration invalid.
 */
export async function initializeGateway(options: InitializeOptions): Promise<InitializedGateway> {
  const directory = resolve(options.directory);
  const configFile = resolve(options.configFile ?? resolve(directory, 'gridmark.yaml'));
  if (existsSync(configFile))
    throw new GridmarkError(
      'ALREADY_INITIALIZED',
      `${configFile} already exists; nothing was changed. Serve it with \`gridmark serve --config ${configFile}\`, or choose another --config.`,
      { details: { file: configFile } },
    );
  const base = dirname(configFile);
  const text = renderStarterConfig({
    'data.directory': relative(base, resolve(directory, 'data')) || '.',
    'keys.directory': relative(base, resolve(directory, 'keys')) || '.',
    ...options.values,
  });
  ensureOwnerOnlyDirectory(base);
  // Validated before anything is written, so that a refused environment leaves nothing behind.
  const loaded = validateStarter(configFile, text, options.env);
  const paths = resolveConfigPaths(loaded.config, base);
  const existing = existingGatewayData(loaded.config, paths);
  if (existing.length > 0)
    throw new GridmarkError(
      'ALREADY_INITIALIZED',
      `${existing[0] ?? ''} already exists${existing.length > 1 ? ` (and ${existing.slice(1).join(', ')})` : ''}; nothing was changed. \`gridmark init\` makes a new gateway only where there is none.`,
      { details: { file: existing[0], existing } },
    );
  writeFileSync(configFile, text, { mode: OWNER_ONLY_FILE_MODE, flag: 'wx' });
  ensureOwnerOnlyDirectory(paths.dataDirectory);
  ensureOwnerOnlyDirectory(paths.keysDirectory);
  const grantKey = await createGrantKeyFile(paths.grantKeyFile);
  const stores = await openGatewayStores(
    loaded.config,
    paths,
    base,
    options.logger ?? silentLogger,
  );
  let adminKey: string;
  try {
    adminKey = await stores.registry.bootstrapAdminKey(INIT_ADMIN_LABEL);
    await stores.registry.flushLedgerEvidence();
  } finally {
    await stores.close();
  }
  return {
    configFile,
    dataDirectory: paths.dataDirectory,
    keysDirectory: paths.keysDirectory,
    kid: grantKey.kid,
    adminKey,
    files: [
      configFile,
      paths.grantKeyFile,
      paths.registry,
      paths.billing,
      paths.outbox,
      paths.ledger,
      paths.nodeKey,
    ],
  };
}

/** The starter file read as `serve` will read it, before anything is written. */
function validateStarter(configFile: string, text: string, env: Environment | undefined) {
  return {
    config: parseGatewayConfig(parseYaml(text), {
      source: configFile,
      ...(env === undefined ? {} : { env }),
    }),
  };
}
