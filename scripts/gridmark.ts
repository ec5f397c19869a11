/**
 * The `gridmark` command line: `npm run gridmark -- <command> [options]`, or `npx gridmark ...`.
 * `gridmark help` lists the commands.
 */
import { loadCommands } from './cli/commands.js';
import { runCli } from './cli/run-cli.js';

async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), await loadCommands(), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}

main().catch((error: unknown) => {
  process.stderr.write(`gridmark: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
