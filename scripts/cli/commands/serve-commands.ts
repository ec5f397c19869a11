import { GridmarkError } from '../../../schema/index.js';
import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';

/** The configuration file of `--config`, else `GRIDMARK_CONFIG`. */
export function configFileOption(value: string | undefined): string {
  const file = value ?? process.env['GRIDMARK_CONFIG'];
  if (file === undefined || file === '')
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      '--config <file> is required (or set GRIDMARK_CONFIG); `gridmark init` writes one.',
    );
  return file;
}

/** Resolves at the first SIGINT or SIGTERM, with its name. */
function terminationSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function serve(args: readonly string[], io: CliIo): Promise<void> {
  const { values } = parseCommandArgs(args, { config: { type: 'string' } });
  const file = configFileOption(values.config);
  // Loaded here, not at the top: `gridmark help` need not load the gateway.
  const { loadGatewayConfig, serveConfiguredGateway, tuneHeapForService } =
    await import('../../../gateway/index.js');
  // This process serves for long: its heap stays near what it holds (see heap-tuning.ts).
  tuneHeapForService();
  const loaded = loadGatewayConfig(file);
  const signal = terminationSignal();
  const served = await serveConfiguredGateway(loaded);
  io.out(
    `gridmark serve: ${loaded.file}\n` +
      `  graphql   ${served.url}\n` +
      `  registry  ${served.registryUrl}\n` +
      `  jwks      ${served.jwksUrl} (signing key ${served.kid})\n` +
      'Stop with Ctrl-C (SIGINT) or SIGTERM: in-flight queries finish first.\n',
  );
  const received = await signal;
  io.out(`gridmark serve: ${received}, stopping\n`);
  // A second signal while draining stops at once; one within a second of the first is the same
  // Ctrl-C reaching this process twice (from the terminal and from a parent such as npm).
  const firstAt = Date.now();
  const force = () => {
    if (Date.now() - firstAt > 1_000) process.exit(130);
  };
  process.on('SIGINT', force);
  process.on('SIGTERM', force);
  try {
    await served.stop();
  } finally {
    process.off('SIGINT', force);
    process.off('SIGTERM', force);
  }
  io.out('gridmark serve: stopped\n');
}

const serveCommand: CliCommand = {
  path: ['serve'],
  summary:
    'run the gateway from a configuration file over the data `gridmark init` made (no seeding, keys kept across restarts)',
  usage:
    'gridmark serve --config <file>\n' +
    '  --config  the gateway configuration (YAML or JSON; default GRIDMARK_CONFIG); GRIDMARK_* variables\n' +
    '            override its settings (docs/configuration.md)\n' +
    '  Opens the registry, the book, the ledger (embedded or Fabric) and the outbox the file names;\n' +
    '  a missing or unreadable one stops the start naming it (DATA_FILE_MISSING, DATA_FILE_UNREADABLE,\n' +
    '  exit 8), an invalid setting names the setting (BAD_CONFIGURATION, exit 2). Serves HTTP, or\n' +
    '  HTTPS with tls.cert and tls.key, until SIGINT or SIGTERM, then drains and exits 0.',
  run: serve,
};

/** `gridmark serve`. */
export const commands: readonly CliCommand[] = [serveCommand];
