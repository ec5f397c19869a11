/**
 * The gateway's configuration: one schema for the file `gridmark serve --config` reads (YAML or
 * JSON), the environment variables over it, the paths it names, the grant key file with its
 * rotation and key set, and the documentation and starter file derived from the schema.
 * Imports only the schema's and the ledger adapter's doors.
 */
export {
  gatewayConfigSchema,
  type GatewayConfig,
  type GatewayConfigInput,
} from './config-schema.js';
export {
  configSettings,
  settingEnvName,
  CONFIG_ENV_PREFIX,
  type ConfigSetting,
  type SettingKind,
} from './config-settings.js';
export {
  overlayEnvironment,
  type Environment,
  type EnvironmentOverlay,
} from './config-environment.js';
export {
  loadGatewayConfig,
  parseGatewayConfig,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load-config.js';
export {
  resolveConfigPaths,
  ledgerConfigOf,
  NODE_KEY_FILE,
  type GatewayPaths,
} from './config-paths.js';
export {
  createGrantKeyFile,
  readGrantKeyFile,
  rotateGrantKeyFile,
  grantKeySet,
  publicKeyPem,
  GRANT_KEY_FILE_FORMAT,
  type GrantKey,
  type GrantKeyRing,
} from './grant-key-file.js';
export { parseDuration } from './duration.js';
export { renderConfigurationDoc } from './config-docs.js';
export { renderStarterConfig, type StarterValues } from './starter-config.js';
