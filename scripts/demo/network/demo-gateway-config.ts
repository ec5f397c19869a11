import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkGatewayDataFiles,
  initializeGateway,
  loadGatewayConfig,
  readGrantKeyFile,
  resolveConfigPaths,
  type StarterValues,
} from '../../../gateway/index.js';
import { GridmarkError, OWNER_ONLY_FILE_MODE, type Logger } from '../../../schema/index.js';
import {
  asDemoDataError,
  BILLING_FILE,
  LEDGER_FILE,
  OUTBOX_FILE,
  REGISTRY_FILE,
} from '../data-directory/demo-data-files.js';
import { DEMO_AUTHORITY_PREFIX, DEMO_TARIFF } from './demo-network.js';

/** The demo gateway's configuration file, inside the demo data directory. */
export const DEMO_GATEWAY_CONFIG_FILE = 'gateway.yaml';
/** The gateway's own data directory inside the demo's: registry, book, ledger, outbox. */
export const DEMO_GATEWAY_DATA_DIRECTORY = 'gateway';
/** The demo data directory's keys directory (owner-only): grant keys, node key, demo keys. */
export const DEMO_KEYS_DIRECTORY = 'keys';
/** The platform admin key `gridmark init` minted for the demo, kept owner-only (0600) in the keys directory. */
export const DEMO_ADMIN_KEY_FILE = join(DEMO_KEYS_DIRECTORY, 'platform-admin.key');

/**
 * The settings the demo's gateway is initialised with: the stores where the demo data directory
 * keeps them, development mode, every business system on this machine, and the demo's fees.
 * The port and host come from the environment at each start (`GRIDMARK_LISTEN_*`).
 */
const DEMO_GATEWAY_VALUES: StarterValues = {
  mode: 'development',
  'data.directory': DEMO_GATEWAY_DATA_DIRECTORY,
  'keys.directory': DEMO_KEYS_DIRECTORY,
  // Where the ledger commands find it by default (`gridmark ledger verify --path <ledger>`).
  'ledger.nodeKey': join(DEMO_GATEWAY_DATA_DIRECTORY, 'keys', `${LEDGER_FILE}.node-key.pem`),
  'registry.authorityPrefix': DEMO_AUTHORITY_PREFIX,
  'registry.outboundAllow': ['127.0.0.0/8'],
  'billing.commissionBasisPoints': DEMO_TARIFF.commissionBasisPoints,
  'billing.resolutionFeeFen': DEMO_TARIFF.resolutionFeeFen,
  'billing.registrationFeeFen': DEMO_TARIFF.registrationFeeFen,
  'logging.format': 'pretty',
};

/** The demo gateway's configuration, and the admin key the banner shows. */
export interface DemoGatewayConfig {
  readonly configFile: string;
  readonly adminKey: string;
  readonly adminKeyFile: string;
  /** True when this start made the gateway (`gridmark init`); false when it was there. */
  readonly initialized: boolean;
}

/**
 * Makes the demo's gateway in `dataDir` on its first start, exactly as `gridmark init` does
 * (configuration file, empty stores, ledger node key, grant key file, first admin key), and keeps
 * the admin key in an owner-only file of the keys directory; on later starts reads both back.
 * A directory whose stores exist without a configuration (made by an earlier demo, which kept no
 * grant key) is refused naming the file, and left as it is.
 *
 * @throws GridmarkError `DATA_FILE_MISSING` naming the configuration or the admin key file.
 */
export async function prepareDemoGateway(
  dataDir: string,
  logger: Logger,
): Promise<DemoGatewayConfig> {
  const configFile = join(dataDir, DEMO_GATEWAY_CONFIG_FILE);
  const adminKeyFile = join(dataDir, DEMO_ADMIN_KEY_FILE);
  if (existsSync(configFile)) {
    // Checked here too, so that a lost store stops the start with its own code and exit status.
    const loaded = loadGatewayConfig(configFile);
    const paths = resolveConfigPaths(loaded.config, loaded.baseDirectory);
    try {
      checkGatewayDataFiles(loaded.config, paths);
      readGrantKeyFile(paths.grantKeyFile);
    } catch (error) {
      throw asDemoDataError(dataDir, error);
    }
    return { configFile, adminKeyFile, adminKey: readAdminKey(adminKeyFile), initialized: false };
  }
  // The stores of an earlier demo sat beside the systems' databases; this one's in their own folder.
  const stores = [REGISTRY_FILE, LEDGER_FILE, BILLING_FILE, OUTBOX_FILE]
    .map((f) => join(dataDir, f))
    .concat(join(dataDir, DEMO_GATEWAY_DATA_DIRECTORY), join(dataDir, DEMO_KEYS_DIRECTORY));
  if (stores.some((f) => existsSync(f)))
    throw new GridmarkError(
      'DATA_FILE_MISSING',
      `${configFile} is missing while the network's stores are there (a data directory of an earlier demo, or a lost file); nothing was changed. Start a new network with --reseed (the directory is moved aside).`,
      { details: { file: configFile } },
    );
  const made = await initializeGateway({
    directory: dataDir,
    configFile,
    values: DEMO_GATEWAY_VALUES,
    env: {},
    logger,
  });
  writeFileSync(adminKeyFile, `${made.adminKey}\n`, { mode: OWNER_ONLY_FILE_MODE, flag: 'wx' });
  logger.info(`initialised the demo gateway: ${configFile}, grant key ${made.kid}`);
  return { configFile, adminKeyFile, adminKey: made.adminKey, initialized: true };
}

function readAdminKey(file: string): string {
  if (!existsSync(file))
    throw new GridmarkError(
      'DATA_FILE_MISSING',
      `${file} is missing: the demo's platform admin key (gridmark init showed it once). Start a new network with --reseed, or put the key back there (mode 0600).`,
      { details: { file } },
    );
  if ((statSync(file).mode & 0o077) !== 0)
    throw new GridmarkError('KEY_FILE_EXPOSED', `${file} may be read by others; chmod 600 it.`, {
      details: { file },
    });
  return readFileSync(file, 'utf8').trim();
}
