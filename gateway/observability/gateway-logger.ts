import { pino } from 'pino';
import { createConsoleLogger, type Logger, type LogLevel } from '../../schema/index.js';
import type { LoggingSettings } from './observability-settings.js';
import { currentScope } from './request-scope.js';
import { REDACTED, REDACTED_PATHS, redactSecrets } from './secret-redaction.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Options of {@link createGatewayLogger}. */
export interface GatewayLoggerOptions extends LoggingSettings {
  /** The part that logs (`gateway`, `registry`, ...): the `component` of each JSON line. */
  readonly name: string;
}

/**
 * The gateway's logger as its settings ask: JSON lines over pino, or the readable console lines.
 * Either way every line written while a request runs names the request's id, and no secret
 * (API keys, bearer tokens, grants, private keys) reaches the output.
 *
 * A JSON line: `{"level":"info","time":"2026-…Z","component":"gateway","requestId":"…","msg":"…"}`.
 *
 * @example const logger = createGatewayLogger({ name: 'gateway', format: 'json', level: 'info' });
 */
export function createGatewayLogger(options: GatewayLoggerOptions): Logger {
  const level = options.level ?? levelFromEnvironment();
  if (options.format === 'json') return createJsonLogger(options.name, level, options.destination);
  return withRequestScope(createConsoleLogger(options.name, level));
}

/**
 * JSON lines over pino: `level` as its name, ISO `time`, `component`, the request's `requestId`
 * when one runs, and `msg` with secrets redacted.
 */
function createJsonLogger(
  name: string,
  level: LogLevel,
  destination: NodeJS.WritableStream | undefined,
): Logger {
  const logger = pino(
    {
      level,
      base: { component: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const scope = currentScope();
        return scope ? { requestId: scope.requestId } : {};
      },
      redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
  return {
    debug: (m) => logger.debug(redactSecrets(m)),
    info: (m) => logger.info(redactSecrets(m)),
    warn: (m) => logger.warn(redactSecrets(m)),
    error: (m) => logger.error(redactSecrets(m)),
  };
}

/**
 * Any logger, with secrets redacted from its messages and, while a request runs, the request's
 * id before each message (`[req <id>] …`). The gateway wraps a logger it is given in this.
 */
export function withRequestScope(logger: Logger): Logger {
  const line = (message: string): string => {
    const scope = currentScope();
    const text = redactSecrets(message);
    return scope ? `[req ${scope.requestId}] ${text}` : text;
  };
  return {
    debug: (m) => logger.debug(line(m)),
    info: (m) => logger.info(line(m)),
    warn: (m) => logger.warn(line(m)),
    error: (m) => logger.error(line(m)),
  };
}

function levelFromEnvironment(): LogLevel {
  const fromEnv = process.env['GRIDMARK_LOG_LEVEL'] as LogLevel | undefined;
  return fromEnv !== undefined && LEVELS.includes(fromEnv) ? fromEnv : 'info';
}
