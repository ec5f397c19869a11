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

/** Options every registry command takes. */
export const REGISTRY_OPTIONS = {
  registry: { type: 'string' },
  'key-file': { type: 'string' },
} as const satisfies CommandOptions;

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

/** The registry API URL: `--registry`, else `GRIDMARK_REGISTRY`, else the local demo's. */
export function registryUrl(values: { readonly registry?: string | undefined }): string {
  return values.registry ?? process.env['GRIDMARK_REGISTRY'] ?? 'http://localhost:4000/registry';
}

/**
 * A registry client with the caller's key: from `--key-file` (the file holds the key), else from
 * `GRIDMARK_API_KEY`. Keys are never taken on the command line, where `ps` would show them.
 */
export function registryClient(
  values: { readonly registry?: string | undefined; readonly 'key-file'?: string | undefined },
  options: { readonly needsKey: boolean },
): GraphqlClient {
  let apiKey = process.env['GRIDMARK_API_KEY'];
  const file = values['key-file'];
  if (file !== undefined) {
    try {
      apiKey = readFileSync(file, 'utf8').trim();
    } catch (cause) {
      throw new GridmarkError('BAD_CONFIGURATION', `cannot read the key file ${file}.`, { cause });
    }
  }
  if (options.needsKey && !apiKey)
    throw new GridmarkError(
      'UNAUTHENTICATED',
      'this command needs an API key: set GRIDMARK_API_KEY or pass --key-file.',
    );
  const url = registryUrl(values);
  // fetch would only say "fetch failed"; say why.
  const badPort = URL.canParse(url) ? fetchBadPortOf(new URL(url)) : undefined;
  if (badPort !== undefined)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `the registry URL ${url} ${fetchBadPortMessage(badPort)}`,
    );
  return createGraphqlClient({ url, ...(apiKey ? { apiKey } : {}) });
}
