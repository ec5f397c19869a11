import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GridmarkError, RESERVED_DEVICE_FIELDS } from '../../schema/index.js';
import {
  API_KEY_ENV,
  GATEWAY_PUBLIC_KEY_ENV,
  applyEnvironment,
  type EnvSetting,
  type Environment,
} from './system-config-env.js';
import { systemConfigSchema, type SystemConfig } from './system-config-schema.js';

/** Options of {@link loadSystemConfig}. */
export interface LoadSystemConfigOptions {
  /** The environment to read overrides from; default `process.env`. */
  readonly env?: Environment;
}

/**
 * Reads a system config file (YAML, or JSON, which YAML reads too), applies the environment's
 * overrides and the defaults, checks it and resolves its file paths (relative to the config
 * file's folder, or to the working directory for a path the environment gave).
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming the setting (e.g. `listen.port`), or
 *   `BAD_DECLARATION` naming the field (e.g. `fields[2].name`).
 * @example const config = loadSystemConfig('asset.system.yaml');
 */
export function loadSystemConfig(
  file: string,
  options: LoadSystemConfigOptions = {},
): SystemConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read the config file ${file}.`, {
      cause,
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${file} is not YAML or JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return parseSystemConfig(raw, { ...options, baseDirectory: dirname(resolve(file)) });
}

/**
 * Checks a system config given as a value (what a YAML or JSON file holds); see
 * {@link loadSystemConfig}. Relative paths are resolved against `baseDirectory` (default: the
 * working directory).
 *
 * @throws GridmarkError `BAD_CONFIGURATION` or `BAD_DECLARATION`, naming the setting.
 */
export function parseSystemConfig(
  value: unknown,
  options: LoadSystemConfigOptions & { readonly baseDirectory?: string } = {},
): SystemConfig {
  const env = options.env ?? process.env;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new GridmarkError('BAD_CONFIGURATION', 'the config must be a mapping of settings.');
  refuseSecrets(value as Record<string, unknown>);
  const { raw, fromEnv } = applyEnvironment(value as Record<string, unknown>, env);
  const parsed = systemConfigSchema.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error.issues, fromEnv);
  const config = parsed.data;
  checkFields(config);
  checkCompleteness(config, env);
  return resolvePaths(config, options.baseDirectory ?? process.cwd(), fromEnv);
}

/** `fields[2].name` for the path `['fields', 2, 'name']`. */
export function settingPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function configError(
  issues: readonly z.core.$ZodIssue[],
  fromEnv: ReadonlyMap<string, EnvSetting>,
): GridmarkError {
  const lines = issues.slice(0, 5).map((issue) => {
    const path = settingPath(issue.path);
    const env = fromEnv.get(issue.path.map(String).join('.'));
    return `${path || '(top level)'}${env ? ` (from ${env.env})` : ''}: ${issue.message}`;
  });
  const first = issues[0];
  const inFields = first !== undefined && first.path[0] === 'fields' && first.path.length > 1;
  return new GridmarkError(inFields ? 'BAD_DECLARATION' : 'BAD_CONFIGURATION', lines.join('; '), {
    details: { setting: first ? settingPath(first.path) : '' },
  });
}

/** Secrets have no place in the file: it is read by many and kept in version control. */
function refuseSecrets(raw: Record<string, unknown>): void {
  const section = (name: string): Record<string, unknown> => {
    const value = raw[name];
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  };
  const refuse = (setting: string, instead: string): never => {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${setting}: a secret is never written in the config file; ${instead}.`,
      { details: { setting } },
    );
  };
  if ('apiKey' in section('anchoring'))
    refuse(
      'anchoring.apiKey',
      `put the key in a file readable only by its owner (anchoring.apiKeyFile) or in ${API_KEY_ENV}`,
    );
  const source = section('source');
  if ('password' in source)
    refuse('source.password', 'set it in the environment variable named by source.passwordEnv');
  if (typeof source['url'] === 'string' && hasPassword(source['url']))
    refuse(
      'source.url',
      'leave the password out of the connection string and set it in the environment variable named by source.passwordEnv',
    );
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return /:\/\/[^/@]*:[^/@]*@/.test(url);
  }
}

const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,62}$/;
const SYSTEM_NAME = /^[a-z][a-z0-9-]{0,39}$/;

function checkFields(config: SystemConfig): void {
  if (!SYSTEM_NAME.test(config.system.name))
    throw new GridmarkError(
      'BAD_DECLARATION',
      'system.name: 1-40 lower-case letters, digits or dashes, starting with a letter.',
      { details: { setting: 'system.name' } },
    );
  const seen = new Set<string>();
  config.fields.forEach((field, i) => {
    const bad = (message: string): never => {
      throw new GridmarkError('BAD_DECLARATION', `fields[${i}].name: ${message}`, {
        details: { setting: `fields[${i}].name` },
      });
    };
    if (!FIELD_NAME.test(field.name))
      bad(
        `"${field.name}" must be camelCase letters and digits, starting with a lower-case letter.`,
      );
    if (RESERVED_DEVICE_FIELDS.has(field.name))
      bad(`"${field.name}" is reserved for the aggregator's device catalog.`);
    if (seen.has(field.name)) bad(`"${field.name}" is declared twice.`);
    seen.add(field.name);
  });
}

function checkCompleteness(config: SystemConfig, env: Environment): void {
  const { gateway, anchoring } = config;
  if (
    gateway.access === 'grants' &&
    gateway.publicKeyFile === undefined &&
    gateway.jwksUrl === undefined &&
    !env[GATEWAY_PUBLIC_KEY_ENV]
  )
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `gateway: say whose grants the system accepts: gateway.jwksUrl, gateway.publicKeyFile or ${GATEWAY_PUBLIC_KEY_ENV}.`,
      { details: { setting: 'gateway' } },
    );
  const anchors = anchoring.registryUrl !== undefined || anchoring.systemCode !== undefined;
  if (!anchors) return;
  const missing = (setting: string, what: string): never => {
    throw new GridmarkError('BAD_CONFIGURATION', `${setting}: anchoring needs ${what}.`, {
      details: { setting },
    });
  };
  if (anchoring.registryUrl === undefined) missing('anchoring.registryUrl', "the registry's URL");
  if (anchoring.systemCode === undefined) missing('anchoring.systemCode', 'the system code');
  if (anchoring.apiKeyFile === undefined && !env[API_KEY_ENV])
    missing('anchoring.apiKeyFile', `the system's API key: a key file or ${API_KEY_ENV}`);
}

function resolvePaths(
  config: SystemConfig,
  baseDirectory: string,
  fromEnv: ReadonlyMap<string, EnvSetting>,
): SystemConfig {
  const at = (setting: string, path: string): string =>
    isAbsolute(path) ? path : resolve(fromEnv.has(setting) ? process.cwd() : baseDirectory, path);
  const source =
    config.source.kind === 'sqlite'
      ? { ...config.source, path: at('source.path', config.source.path) }
      : config.source;
  const { apiKeyFile } = config.anchoring;
  const { publicKeyFile } = config.gateway;
  return {
    ...config,
    source,
    anchoring: {
      ...config.anchoring,
      ...(apiKeyFile === undefined ? {} : { apiKeyFile: at('anchoring.apiKeyFile', apiKeyFile) }),
    },
    gateway: {
      ...config.gateway,
      ...(publicKeyFile === undefined
        ? {}
        : { publicKeyFile: at('gateway.publicKeyFile', publicKeyFile) }),
    },
    journal: {
      path: at('journal.path', config.journal.path ?? `${config.system.name}.anchors.db`),
    },
  };
}
