import { GridmarkError } from '../../schema/index.js';
import type { CliCommand, CliIo } from './command.js';

const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h']);

/**
 * Finds the command the arguments name and runs it. Returns the process exit code: 0 on success
 * and for help (`gridmark`, `gridmark help [command]`, `gridmark --help`, `<command> --help`), the
 * error code's exit code for a GridmarkError (`UNKNOWN_COMMAND`, 2, for words that name no
 * command), 1 for anything else. A reader that stops reading (`gridmark ledger show | head`) ends
 * the output quietly: see {@link quietOnClosedPipes}.
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CliCommand[],
  io: CliIo,
): Promise<number> {
  quietOnClosedPipes();
  if (argv.length === 0 || HELP_FLAGS.has(argv[0] ?? '')) {
    io.out(helpText(commands));
    return 0;
  }
  if (argv[0] === 'help') return helpFor(argv.slice(1), commands, io);
  const match = commandFor(argv, commands);
  if (!match) return unknownCommand(argv, commands, io);
  const rest = argv.slice(match.path.length);
  if (rest.some((arg) => HELP_FLAGS.has(arg))) {
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

/** The command whose words start `argv`, the longest when several do. */
function commandFor(
  argv: readonly string[],
  commands: readonly CliCommand[],
): CliCommand | undefined {
  return commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** The commands whose words begin with `words` (`ledger` gives `ledger show`, `ledger verify`...). */
function commandsUnder(
  words: readonly string[],
  commands: readonly CliCommand[],
): readonly CliCommand[] {
  return commands.filter(
    (c) => c.path.length > words.length && words.every((word, i) => c.path[i] === word),
  );
}

/**
 * `gridmark help [words...]` and `gridmark <group> --help`: the usage of the command the words
 * name, or the list of a group's commands, on standard output with exit 0.
 */
function helpFor(words: readonly string[], commands: readonly CliCommand[], io: CliIo): number {
  const wanted = words.filter((word) => !HELP_FLAGS.has(word));
  if (wanted.length === 0) {
    io.out(helpText(commands));
    return 0;
  }
  const exact = commands.find(
    (c) => c.path.length === wanted.length && c.path.every((word, i) => wanted[i] === word),
  );
  if (exact) {
    io.out(`${exact.usage}\n`);
    return 0;
  }
  const group = commandsUnder(wanted, commands);
  if (group.length > 0) {
    io.out(helpText(group));
    return 0;
  }
  return unknownCommand(wanted, commands, io);
}

/**
 * Words that name no command: a group's name with `--help` lists the group (exit 0); a group's
 * name alone, or anything else, is `UNKNOWN_COMMAND` with the usage on standard error.
 */
function unknownCommand(
  argv: readonly string[],
  commands: readonly CliCommand[],
  io: CliIo,
): number {
  const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
  const words = firstOption === -1 ? argv : argv.slice(0, firstOption);
  const group = commandsUnder(words, commands);
  if (group.length > 0 && argv.some((arg) => HELP_FLAGS.has(arg))) {
    io.out(helpText(group));
    return 0;
  }
  const error = new GridmarkError(
    'UNKNOWN_COMMAND',
    group.length > 0
      ? `gridmark ${words.join(' ')} needs one of its commands.`
      : `there is no command "gridmark ${words.join(' ')}".`,
  );
  io.err(`gridmark: ${error.code}: ${error.message}\n\n`);
  io.err(helpText(group.length > 0 ? group : commands));
  return error.exitCode;
}

function helpText(commands: readonly CliCommand[]): string {
  const width = Math.max(0, ...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  gridmark ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'usage: gridmark <command> [options]   (gridmark <command> --help for its options)',
    '',
    ...lines,
    '',
    'Commands that call the registry API take its URL from --registry, else GRIDMARK_REGISTRY, else',
    'the listen address of the gateway configuration file in --config or GRIDMARK_CONFIG; their key',
    'from --key-file, else GRIDMARK_API_KEY.',
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
