import { GridmarkError } from '../../../schema/index.js';
import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand } from '../command.js';

/**
 * `gridmark system serve --config <file>`: runs a business system from its config file (see
 * docs/system-configuration.md) until SIGINT or SIGTERM, then stops serving, lets an anchoring
 * pass under way finish and closes its files. It prints `<name> serving at <url>` and, after
 * the first anchoring pass, `<name> anchored <n> values`; started with an IPC channel (a
 * parent's `fork`), it also sends `{ type: 'ready', system, url }` and
 * `{ type: 'anchored', anchored }` (-1 when the pass failed), as the demo's system processes do.
 * The subgraph kit and the database drivers load only when the command runs.
 */
const systemServe: CliCommand = {
  path: ['system', 'serve'],
  summary:
    "serve a business system's subgraph over its own database (SQLite or PostgreSQL) from a config file, and anchor on its schedule",
  usage:
    'gridmark system serve --config <file>   (or GRIDMARK_SYSTEM_CONFIG; settings also from GRIDMARK_SYSTEM_* variables, see docs/system-configuration.md)',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { config: { type: 'string' } });
    const file = values.config ?? process.env['GRIDMARK_SYSTEM_CONFIG'];
    if (file === undefined || file === '')
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        '--config is required (or set GRIDMARK_SYSTEM_CONFIG).',
      );
    const { loadSystemConfig, startConfiguredSystem } = await import('../../../subgraphs/index.js');
    const config = loadSystemConfig(file);
    const running = await startConfiguredSystem(config, {
      onFirstAnchorPass: (outcome) => {
        const anchored = 'anchored' in outcome ? outcome.anchored : -1;
        io.out(
          anchored < 0
            ? `${config.system.name} first anchoring pass failed; retrying on schedule\n`
            : `${config.system.name} anchored ${anchored} values\n`,
        );
        process.send?.({ type: 'anchored', anchored });
      },
    });
    io.out(`${running.name} serving at ${running.url}\n`);
    process.send?.({ type: 'ready', system: running.name, url: running.url });
    await untilSignalled();
    io.out(`${running.name} stopping\n`);
    await running.stop();
  },
};

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The `system serve` command. */
export const commands: readonly CliCommand[] = [systemServe];
