import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';

async function init(args: readonly string[], io: CliIo): Promise<void> {
  const { values } = parseCommandArgs(args, {
    dir: { type: 'string', default: '.' },
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  });
  const { initializeGateway } = await import('../../../gateway/index.js');
  const made = await initializeGateway({
    directory: values.dir,
    ...(values.config === undefined ? {} : { configFile: values.config }),
    values: {
      ...(values.port === undefined ? {} : { 'listen.port': portValue(values.port) }),
      ...(values.host === undefined ? {} : { 'listen.host': values.host }),
    },
  });
  io.out(
    `gridmark init: a new gateway\n` +
      `  configuration  ${made.configFile}\n` +
      `  data           ${made.dataDirectory} (registry, billing book, ledger, outbox)\n` +
      `  keys           ${made.keysDirectory} (grant key ${made.kid}, ledger node key)\n\n` +
      `The first platform admin key, shown this once (the registry keeps only its hash):\n\n` +
      `  ${made.adminKey}\n\n` +
      `Keep it in a file only you can read (e.g. chmod 600 admin.key) and pass it with --key-file.\n` +
      `Start the gateway with: gridmark serve --config ${made.configFile}\n`,
  );
}

/** A port as the starter file writes it; the schema checks its range when the file is read. */
function portValue(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

const initCommand: CliCommand = {
  path: ['init'],
  summary:
    'make a new gateway: a starter configuration, empty stores, the first grant key and the first platform admin key',
  usage:
    'gridmark init [--dir <dir>] [--config <file>] [--port N] [--host H]\n' +
    '  --dir     where the data and keys directories go (<dir>/data, <dir>/keys; default .)\n' +
    '  --config  the configuration file to write (default <dir>/gridmark.yaml), commented YAML\n' +
    '  --port, --host  the listen address the file sets (default 127.0.0.1:4000)\n' +
    '  Creates the data and keys directories owner-only, the empty registry, book, ledger and outbox,\n' +
    '  the grant key file (0600) and prints the first platform admin key once. Refuses, changing\n' +
    '  nothing, when the file or any of the data exists (ALREADY_INITIALIZED, exit 2).',
  run: init,
};

/** `gridmark init`. */
export const commands: readonly CliCommand[] = [initCommand];
