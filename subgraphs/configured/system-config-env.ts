/**
 * The environment variables of a system config: each overrides one setting of the file, so one
 * file can serve in several places (a container sets the port, the database file, the journal).
 * Lists (the fields) and SQL longer than a line are the file's alone.
 */

/** One setting that an environment variable overrides. */
export interface EnvSetting {
  /** The setting's path in the file, e.g. `['listen', 'port']`. */
  readonly path: readonly string[];
  readonly env: string;
  /** A path to a file: given in the environment, it is relative to the working directory. */
  readonly isPath?: boolean;
}

/** Every setting an environment variable can set, in the order `docs/system-configuration.md` lists them. */
export const SYSTEM_CONFIG_ENV: readonly EnvSetting[] = [
  { path: ['system', 'name'], env: 'GRIDMARK_SYSTEM_NAME' },
  { path: ['system', 'title'], env: 'GRIDMARK_SYSTEM_TITLE' },
  { path: ['source', 'kind'], env: 'GRIDMARK_SYSTEM_SOURCE_KIND' },
  { path: ['source', 'path'], env: 'GRIDMARK_SYSTEM_SQLITE_PATH', isPath: true },
  { path: ['source', 'url'], env: 'GRIDMARK_SYSTEM_POSTGRES_URL' },
  { path: ['source', 'passwordEnv'], env: 'GRIDMARK_SYSTEM_POSTGRES_PASSWORD_ENV' },
  {
    path: ['source', 'statementTimeoutMs'],
    env: 'GRIDMARK_SYSTEM_POSTGRES_STATEMENT_TIMEOUT_MS',
  },
  { path: ['source', 'poolSize'], env: 'GRIDMARK_SYSTEM_POSTGRES_POOL_SIZE' },
  { path: ['source', 'connectTimeoutMs'], env: 'GRIDMARK_SYSTEM_POSTGRES_CONNECT_TIMEOUT_MS' },
  { path: ['devices', 'load'], env: 'GRIDMARK_SYSTEM_LOAD_SQL' },
  { path: ['devices', 'list'], env: 'GRIDMARK_SYSTEM_LIST_SQL' },
  { path: ['anchoring', 'registryUrl'], env: 'GRIDMARK_SYSTEM_REGISTRY_URL' },
  { path: ['anchoring', 'systemCode'], env: 'GRIDMARK_SYSTEM_CODE' },
  { path: ['anchoring', 'apiKeyFile'], env: 'GRIDMARK_SYSTEM_API_KEY_FILE', isPath: true },
  { path: ['anchoring', 'intervalSeconds'], env: 'GRIDMARK_SYSTEM_ANCHOR_INTERVAL_SECONDS' },
  { path: ['anchoring', 'batchSize'], env: 'GRIDMARK_SYSTEM_ANCHOR_BATCH_SIZE' },
  { path: ['gateway', 'access'], env: 'GRIDMARK_SYSTEM_ACCESS' },
  { path: ['gateway', 'publicKeyFile'], env: 'GRIDMARK_GATEWAY_PUBLIC_KEY_FILE', isPath: true },
  { path: ['gateway', 'jwksUrl'], env: 'GRIDMARK_GATEWAY_JWKS_URL' },
  { path: ['gateway', 'jwksRefreshSeconds'], env: 'GRIDMARK_GATEWAY_JWKS_REFRESH_SECONDS' },
  { path: ['gateway', 'grantSkewSeconds'], env: 'GRIDMARK_GATEWAY_GRANT_SKEW_SECONDS' },
  { path: ['listen', 'host'], env: 'GRIDMARK_SYSTEM_HOST' },
  { path: ['listen', 'port'], env: 'GRIDMARK_SYSTEM_PORT' },
  { path: ['journal', 'path'], env: 'GRIDMARK_SYSTEM_JOURNAL_PATH', isPath: true },
];

/** The system's API key itself, as an alternative to `anchoring.apiKeyFile`. */
export const API_KEY_ENV = 'GRIDMARK_SYSTEM_API_KEY';

/** The gateway's grant-signing public key as PEM text, as an alternative to a file or a JWKS URL. */
export const GATEWAY_PUBLIC_KEY_ENV = 'GRIDMARK_GATEWAY_PUBLIC_KEY';

/** Environment variables read, by name; `process.env` by default. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Writes the settings the environment sets over the raw file content (a fresh copy); returns it
 * with the dotted paths that came from the environment, mapped to their variable's name.
 */
export function applyEnvironment(
  raw: Record<string, unknown>,
  env: Environment,
): { readonly raw: Record<string, unknown>; readonly fromEnv: ReadonlyMap<string, EnvSetting> } {
  const copy = structuredClone(raw);
  const fromEnv = new Map<string, EnvSetting>();
  for (const setting of SYSTEM_CONFIG_ENV) {
    const value = env[setting.env];
    if (value === undefined || value === '') continue;
    let node: Record<string, unknown> = copy;
    for (const key of setting.path.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[setting.path.at(-1) as string] = value;
    fromEnv.set(setting.path.join('.'), setting);
  }
  return { raw: copy, fromEnv };
}
