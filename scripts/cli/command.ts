/** One `gridmark` sub-command. */
export interface CliCommand {
  /** The words that select it, e.g. `['ledger', 'verify']`. */
  readonly path: readonly string[];
  /** One line for `gridmark help`. */
  readonly summary: string;
  /** Usage line(s) shown on `--help` and on bad options. */
  readonly usage: string;
  /** Runs with the remaining arguments; writes results to `out`. Throws GridmarkError on bad input. */
  run(args: readonly string[], io: CliIo): Promise<void>;
}

/** Where a command writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
