/**
 * Business systems from configuration: the schema of a system config file (YAML or JSON), its
 * loader with the environment's overrides, the read-only sources over the system's own database
 * (SQLite, PostgreSQL), the declaration the config makes, and the running system that
 * `gridmark system serve --config <file>` starts: its subgraph with the gateway's grants
 * required (keys from a PEM or the gateway's JWKS, refreshed for rotations) and its anchoring on
 * a schedule. Imports the kit's door and the schema's.
 */
export {
  systemConfigSchema,
  type SystemConfig,
  type ConfiguredField,
  type SourceConfig,
  type IdentifierMapping,
} from './system-config-schema.js';
export {
  SYSTEM_CONFIG_ENV,
  API_KEY_ENV,
  GATEWAY_PUBLIC_KEY_ENV,
  type EnvSetting,
  type Environment,
} from './system-config-env.js';
export {
  loadSystemConfig,
  parseSystemConfig,
  type LoadSystemConfigOptions,
} from './load-system-config.js';
export type { SystemSource, SourceStatement, SourceRows, SourceFailure } from './system-source.js';
export { openSqliteSource } from './sqlite-source.js';
export { openPostgresSource, type PostgresSourceOptions } from './postgres-source.js';
export { declareConfiguredSystem, type ConfiguredDeclaration } from './configured-declaration.js';
export { openGatewayKeys, type GatewayKeys, type GatewayKeysOptions } from './gateway-keys.js';
export { createKeyedSubgraph, type KeyedSubgraphOptions } from './keyed-subgraph.js';
export {
  readApiKeyFile,
  type AnchoringState,
  type FirstPassOutcome,
} from './configured-anchoring.js';
export {
  startConfiguredSystem,
  type ConfiguredSystemOptions,
  type RunningConfiguredSystem,
} from './configured-system.js';
