/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Secrets as they may appear inside a message: gridmark API keys (`gmk_<id>_<secret>`, admin,
 * application and system keys alike), bearer tokens, grant tokens (`<base64url>.<base64url>`
 * payloads that start as JSON does, `eyJ`), JWS/JWT compact tokens, and PEM private keys.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bgmk_[A-Za-z0-9]+_[A-Za-z0-9_-]+/g,
  /\b(Bearer|Basic)\s+[^\s,;"']+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g,
];

/**
 * A message with every secret it holds replaced by {@link REDACTED}; the rest stays readable.
 *
 * @example redactSecrets('key gmk_abc_def refused') // 'key [REDACTED] refused'
 */
export function redactSecrets(message: string): string {
  let text = message;
  for (const pattern of SECRET_PATTERNS)
    text = text.replace(pattern, (match, scheme: unknown) =>
      typeof scheme === 'string' && /^(bearer|basic)$/i.test(scheme)
        ? `${scheme} ${REDACTED}`
        : REDACTED,
    );
  return text;
}

/** Field paths pino removes from structured log objects (headers and credentials). */
export const REDACTED_PATHS: readonly string[] = [
  'headers.authorization',
  'headers.cookie',
  'headers["x-gridmark-grant"]',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-gridmark-grant"]',
  'apiKey',
  'adminKey',
  'grant',
  'token',
  'secret',
  'password',
  '*.apiKey',
  '*.adminKey',
  '*.grant',
  '*.token',
  '*.secret',
  '*.password',
];
