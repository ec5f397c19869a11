import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { GridmarkError } from '../../schema/index.js';

/**
 * The registry API URL of the gateway a configuration file describes: its listen address, with
 * https when the file configures TLS, and the registry's path `/registry`. A wildcard address
 * (`0.0.0.0`, `::`) is reached on the loopback interface of the same machine.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming the file when it cannot be read or parsed, or
 *   holds no listen address.
 */
export function registryUrlFromConfigFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read the configuration file ${file}.`, {
      cause,
    });
  }
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `${file} is neither YAML nor JSON.`, { cause });
  }
  const listen = record(record(config)?.['listen']);
  const port = listen?.['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${file} sets no listen.port to reach the registry at: pass --registry <url> or set GRIDMARK_REGISTRY.`,
    );
  const host = typeof listen?.['host'] === 'string' ? listen['host'] : 'localhost';
  const scheme = (record(listen?.['tls']) ?? record(record(config)?.['tls'])) ? 'https' : 'http';
  return `${scheme}://${reachableHost(host)}:${port}/registry`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A listen address as a client on the same machine reaches it. */
function reachableHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
