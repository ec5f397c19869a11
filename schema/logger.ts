/**
 * The logging contract every part takes as an option. It matches Apollo's `Logger`, so one
 * logger can be handed to Apollo Server, the gateway and gridmark's own parts.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/** How chatty a console logger is; `silent` drops everything. */
export type LogLevel = (typeof LEVELS)[number];

/**
 * A logger that writes one line per message to standard error, tagged with `name`. The level
 * comes from the argument, else from `GRIDMARK_LOG_LEVEL`, else `info`.
 */
export function createConsoleLogger(name: string, level?: LogLevel): Logger {
  const fromEnv = process.env['GRIDMARK_LOG_LEVEL'];
  const chosen: LogLevel =
    level ?? (LEVELS.includes(fromEnv as LogLevel) ? (fromEnv as LogLevel) : 'info');
  const threshold = LEVELS.indexOf(chosen);
  const write = (at: LogLevel, message: string): void => {
    if (LEVELS.indexOf(at) < threshold) return;
    process.stderr.write(
      `${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} [${name}] ${message}\n`,
    );
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
