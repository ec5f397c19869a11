import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { GRAPHQL_CLIENT_CODES, GridmarkError, isErrorCode, type Logger } from '../schema/index.js';

/** Extension keys a client may see; anything else (stack traces, URLs, responses) is dropped. */
const SAFE_EXTENSIONS = new Set([
  'code',
  'system',
  'identifier',
  'limit',
  'issues',
  'row',
  'field',
  'subgraphs',
  'element',
  'rule',
  'systemCode',
  'creditCode',
  'reason',
  'fields',
  'device',
  'resolution',
  'contractCode',
  'requiredFen',
  'availableFen',
  'account',
  'paymentReference',
  'header',
]);

/**
 * The gateway's `formatError`: gridmark and client errors keep their code and message with only
 * safe extensions; a subgraph's error names the business system (`extensions.system`); anything
 * unexpected is logged and masked as `INTERNAL_ERROR`.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = gridmarkCause(unwrapResolverError(error));
    if (original instanceof GridmarkError)
      return shaped(formatted, original.message, { ...original.details, code: original.code });
    const extensions = formatted.extensions ?? {};
    const code = extensions['code'];
    // A document that exhausts the parser (a RangeError, not a syntax error) says nothing of the server's insides.
    if (code === 'GRAPHQL_PARSE_FAILED' && !formatted.message.startsWith('Syntax Error'))
      return shaped(formatted, 'The query could not be parsed.', { code });
    const system =
      typeof extensions['system'] === 'string' ? extensions['system'] : extensions['serviceName'];
    if (isErrorCode(code) || (typeof code === 'string' && GRAPHQL_CLIENT_CODES.has(code))) {
      return shaped(formatted, formatted.message, {
        ...extensions,
        code,
        ...(system === undefined ? {} : { system }),
      });
    }
    if (typeof system === 'string') {
      // A subgraph error we do not know: keep the system's name, not its words.
      logger.warn(`business system "${system}" returned an error: ${formatted.message}`);
      return shaped(formatted, `Business system "${system}" reported an error.`, {
        code: 'SYSTEM_ERROR',
        system,
      });
    }
    logger.error(
      `internal error: ${original instanceof Error ? (original.stack ?? original.message) : formatted.message}`,
    );
    return shaped(formatted, 'Internal error.', { code: 'INTERNAL_ERROR' });
  };
}

/** The gridmark refusal behind an error: itself, or what a validation rule reported (Apollo Server wraps those twice). */
function gridmarkCause(error: unknown): unknown {
  // Read by shape: graphql-js may be loaded twice (its CommonJS and ES builds), so `instanceof GraphQLError` can fail.
  let current = error;
  for (
    let depth = 0;
    depth < 3 &&
    !(current instanceof GridmarkError) &&
    current instanceof Error &&
    'originalError' in current;
    depth++
  )
    current = current.originalError;
  return current instanceof GridmarkError ? current : error;
}

function shaped(
  formatted: GraphQLFormattedError,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLFormattedError {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extensions))
    if (SAFE_EXTENSIONS.has(key)) safe[key] = value;
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: safe,
  };
}
