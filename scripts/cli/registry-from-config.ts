import { GridmarkError } from '../../schema/index.js';

/**
 * The registry API URL of the gateway a configuration file describes (the file `gridmark serve
 * --config` reads, with its `GRIDMARK_*` variables laid over it): its listen address, https when
 * the file configures TLS, and the registry's path `/registry`. A wildcard address (`0.0.0.0`,
 * `::`) is reached on this machine's loopback interface. The gateway's door is loaded only here,
 * so commands given a URL stay quick to start.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming the file when it cannot be read or is invalid,
 *   or when it listens on port 0 (a port picked at start, which no other process can know).
 */
export async function registryUrlFromConfigFile(file: string): Promise<string> {
  const { loadGatewayConfig } = await import('../../gateway/index.js');
  const { config, file: path } = loadGatewayConfig(file);
  if (config.listen.port === 0)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${path} listens on port 0 (picked at start): pass --registry <url> or set GRIDMARK_REGISTRY.`,
    );
  const scheme = config.tls.cert !== undefined && config.tls.key !== undefined ? 'https' : 'http';
  return `${scheme}://${reachableHost(config.listen.host)}:${config.listen.port}/registry`;
}

/** A listen address as a client on the same machine reaches it. */
function reachableHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
