import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  fetchBadPortMessage,
  fetchBadPortOf,
  GridmarkError,
  createGraphqlClient,
  type GraphqlClient,
} from '../../schema/index.js';

type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Options every registry command takes: the registry API's URL, the file that holds the caller's
 * key, and a gateway configuration file to take the URL from when neither the flag nor
 * `GRIDMARK_REGISTRY` gives it.
 */
export const REGISTRY_OPTIONS = {
  registry: { type: 'string' },
  'key-file': { type: 'string' },
  config: { type: 'string' },
} as const satisfies CommandOptions;

/** The registry options' values as a command holds them after {@link parseCommandArgs}. */
export interface RegistryOptionValues {
  readonly registry?: string | undefined;
  readonly 'key-file'?: string | undefined;
  readonly config?: string | undefined;
}

/** What {@link parseCommandArgs} returns for a command's `options`: its values and positionals. */
export type ParsedCommandArgs<T extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** Parses a command's arguments; unknown options and missing values are `BAD_CONFIGURATION`. */
export function parseCommandArgs<T extends CommandOptions>(
  args: readonly string[],
  options: T,
): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      cause instanceof Error ? cause.message : String(cause),
      { cause },
    );
  }
}

/** A required option's value. */
export function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '')
    throw new GridmarkError('BAD_CONFIGURATION', `--${name} is required.`);
  return value;
}

/** The one positional argument a command takes. */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1 || positionals[0] === undefined)
    throw new GridmarkError('BAD_CONFIGURATION', `give exactly one ${what}.`);
  return positionals[0];
}

/**
 * The registry API URL from `--registry`, else `GRIDMARK_REGISTRY`. There is no default: with
 * neither, and no configuration file to read it from, this is `REGISTRY_NOT_SET`.
 * {@link resolveRegistryUrl} also reads a configuration file.
 *
 * @throws GridmarkError `REGISTRY_NOT_SET` when neither is set.
 */
export function registryUrl(values: RegistryOptionValues): string {
  const url = registryUrlFromFlagOrEnvironment(values);
  if (url === undefined) throw registryNotSet(configFileOf(values));
  return url;
}

/**
 * The registry API URL: `--registry`, else `GRIDMARK_REGISTRY`, else derived from the listen
 * address of the gateway configuration file named by `--config`, else `GRIDMARK_CONFIG`. The file
 * is read only when the flag and the variable are both unset.
 *
 * @throws GridmarkError `REGISTRY_NOT_SET` when none of them gives a URL; `BAD_CONFIGURATION`
 *   when the configuration file cannot be read or is invalid.
 */
export async function resolveRegistryUrl(values: RegistryOptionValues): Promise<string> {
  const url = registryUrlFromFlagOrEnvironment(values);
  if (url !== undefined) return url;
  const file = configFileOf(values);
  if (file === undefined) throw registryNotSet(undefined);
  const { registryUrlFromConfigFile } = await import('./registry-from-config.js');
  return await registryUrlFromConfigFile(file);
}

function registryUrlFromFlagOrEnvironment(values: RegistryOptionValues): string | undefined {
  return nonEmpty(values.registry) ?? nonEmpty(process.env['GRIDMARK_REGISTRY']);
}

function configFileOf(values: RegistryOptionValues): string | undefined {
  return nonEmpty(values.config) ?? nonEmpty(process.env['GRIDMARK_CONFIG']);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function registryNotSet(configFile: string | undefined): GridmarkError {
  return new GridmarkError(
    'REGISTRY_NOT_SET',
    configFile === undefined
      ? 'no registry URL: pass --registry <url> (e.g. https://gateway.example:4000/registry), ' +
          "set GRIDMARK_REGISTRY, or name the gateway's configuration file with --config or GRIDMARK_CONFIG."
      : `no registry URL: pass --registry <url> or set GRIDMARK_REGISTRY (the configuration file ${configFile} was not read).`,
  );
}

/**
 * A registry client with the caller's key: from `--key-file` (the file holds the key), else from
 * `GRIDMARK_API_KEY`. Keys are never taken on the command line, where `ps` would show them. The
 * URL is resolved (see {@link resolveRegistryUrl}) when the first request is made.
 *
 * @throws GridmarkError `UNAUTHENTICATED` at once when a key is needed and none is given; the
 *   client's requests throw `REGISTRY_NOT_SET` or `BAD_CONFIGURATION` when the URL cannot be had.
 */
export function registryClient(
  values: RegistryOptionValues,
  options: { readonly needsKey: boolean },
): GraphqlClient {
  const apiKey = callerKey(values);
  if (options.needsKey && !apiKey)
    throw new GridmarkError(
      'UNAUTHENTICATED',
      'this command needs an API key: pass --key-file <file> or set GRIDMARK_API_KEY.',
    );
  let client: Promise<GraphqlClient> | undefined;
  return {
    async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      client ??= resolveRegistryUrl(values).then((url) => clientFor(url, apiKey));
      return (await client).request<T>(query, variables);
    },
  };
}

function callerKey(values: RegistryOptionValues): string | undefined {
  const file = values['key-file'];
  if (file === undefined) return nonEmpty(process.env['GRIDMARK_API_KEY']);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read the key file ${file}.`, { cause });
  }
}

function clientFor(url: string, apiKey: string | undefined): GraphqlClient {
  if (!URL.canParse(url))
    throw new GridmarkError('BAD_CONFIGURATION', `the registry URL ${url} is not a URL.`);
  // fetch would only say "fetch failed"; say why.
  const badPort = fetchBadPortOf(new URL(url));
  if (badPort !== undefined)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `the registry URL ${url} ${fetchBadPortMessage(badPort)}`,
    );
  return createGraphqlClient({ url, ...(apiKey ? { apiKey } : {}) });
}
