import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GridmarkError } from '../../schema/index.js';
import { overlayEnvironment, type Environment } from './config-environment.js';
import { gatewayConfigSchema, type GatewayConfig } from './config-schema.js';

/** A configuration read from its file and the environment, with the file's place. */
export interface LoadedConfig {
  readonly config: GatewayConfig;
  /** The file's absolute path; relative paths in it are relative to its directory. */
  readonly file: string;
  readonly baseDirectory: string;
}

/** Where {@link loadGatewayConfig} reads. */
export interface LoadConfigOptions {
  /** Default `process.env`. */
  readonly env?: Environment;
}

/**
 * Reads a gateway configuration file (YAML, or JSON: a `.json` file is read as JSON), lays the
 * environment's `GRIDMARK_*` variables over it and validates the whole against the schema.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when the file is missing, unreadable or not YAML/JSON,
 *   or when a setting is invalid or unknown: the message names each setting
 *   (`listen.port: expected an integer from 0 to 65535`), and the variable when one set it;
 *   `details.settings` lists the settings' paths.
 * @example
 * const { config, baseDirectory } = loadGatewayConfig('/etc/gridmark/gateway.yaml');
 */
export function loadGatewayConfig(file: string, options: LoadConfigOptions = {}): LoadedConfig {
  const path = resolve(file);
  const document = readConfigDocument(path);
  return {
    config: parseGatewayConfig(document, { ...options, source: path }),
    file: path,
    baseDirectory: dirname(path),
  };
}

/**
 * Validates a configuration document (as parsed from its file) with the environment laid over it.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming each invalid or unknown setting.
 */
export function parseGatewayConfig(
  document: unknown,
  options: LoadConfigOptions & { readonly source?: string } = {},
): GatewayConfig {
  if (
    document !== undefined &&
    document !== null &&
    (typeof document !== 'object' || Array.isArray(document))
  )
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${options.source ?? 'The configuration'}: expected a map of settings at the top level.`,
    );
  const overlay = overlayEnvironment(document ?? {}, options.env ?? process.env);
  const result = gatewayConfigSchema.safeParse(overlay.document);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) =>
    describeIssue(issue, overlay.fromEnvironment, valueAt(overlay.document, issue.path)),
  );
  const where = options.source ? `${options.source}: ` : '';
  throw new GridmarkError(
    'BAD_CONFIGURATION',
    `${where}${problems.map((p) => p.text).join('; ')}`,
    { details: { settings: problems.map((p) => p.setting) } },
  );
}

function readConfigDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      code === 'ENOENT'
        ? `The configuration file ${path} does not exist; \`gridmark init\` writes one.`
        : `The configuration file ${path} cannot be read (${code ?? 'error'}).`,
      { cause, details: { file: path } },
    );
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The configuration file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message.split('\n')[0] ?? ''}`,
      { cause, details: { file: path } },
    );
  }
}

/** One issue as `path: what was expected`, naming the variable that set the value, if any. */
function describeIssue(
  issue: z.core.$ZodIssue,
  fromEnvironment: ReadonlyMap<string, string>,
  value: unknown,
): { readonly setting: string; readonly text: string }[] {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => {
      const setting = at === '' ? key : `${at}.${key}`;
      return { setting, text: `${setting}: unknown setting` };
    });
  // A list's item (`cors.origins.0`) was set by the list's variable.
  const variable = [...fromEnvironment].find(
    ([path]) => at === path || at.startsWith(`${path}.`),
  )?.[1];
  const message =
    issue.code === 'invalid_type' && value === undefined
      ? 'required'
      : issue.message.startsWith('Invalid input: ')
        ? issue.message.slice('Invalid input: '.length)
        : issue.message;
  const label = at === '' ? '(top level)' : at;
  return [{ setting: at, text: `${label}${variable ? ` (from ${variable})` : ''}: ${message}` }];
}

/** The document's value at an issue's path (undefined where it has none). */
function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let value = document;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
