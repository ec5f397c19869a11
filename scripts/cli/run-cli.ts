import { GridmarkError } from '../../schema/index.js';
import type { CliCommand, CliIo } from './command.js';

/**
 * Finds the command the arguments name and runs it. Returns the process exit code: 0 on success,
 * the error code's exit code for a GridmarkError, 1 for anything else. A reader that stops
 * reading (`gridmark ledger show | head`) ends the output quietly: see {@link quietOnClosedPipes}.
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CliCommand[],
  io: CliIo,
): Promise<number> {
  quietOnClosedPipes();
  const match = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!match || argv[0] === 'help' || argv.length === 0) {
    io.out(helpText(commands));
    return match || argv[0] === 'help' || argv.length === 0 ? 0 : 2;
  }
  const rest = argv.slice(match.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${match.usage}\n`);
    return 0;
  }
  try {
    await match.run(rest, io);
    return 0;
  } catch (error) {
    if (error instanceof GridmarkError) {
      io.err(`gridmark ${match.path.join(' ')}: ${error.code}: ${error.message}\n`);
      if (error.code === 'BAD_CONFIGURATION') io.err(`${match.usage}\n`);
      return error.exitCode;
    }
    io.err(
      `gridmark ${match.path.join(' ')}: INTERNAL_ERROR: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

function helpText(commands: readonly CliCommand[]): string {
  const width = Math.max(0, ...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  gridmark ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'usage: gridmark <command> [options]   (gridmark <command> --help for its options)',
    '',
    ...lines,
    '',
  ].join('\n');
}

let pipesWatched = false;

/**
 * Lets the process's stdout and stderr lose their reader without a stack trace: when the other
 * end of a pipe closes (`| head`), the next write fails with EPIPE, which Node raises as an
 * unhandled 'error' event. Output to a reader that is gone is dropped; any other stream error is
 * raised as before. Installed once per process.
 */
function quietOnClosedPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
