import type { LogInput } from '../registry-store.js';
import type { Caller } from '../registry-types.js';

/** How the registry log names a caller: `<role>:<key id>`, or `anonymous`. */
export function actorOf(caller: Caller): string {
  return caller.role === 'ANONYMOUS' ? 'anonymous' : `${caller.role}:${caller.keyId}`;
}

/** The registry log entry of a change `caller` made to `subject`. */
export function logEntry(
  caller: Caller,
  action: string,
  subject: string,
  details: Record<string, unknown> = {},
): LogInput {
  return { actor: actorOf(caller), action, subject, details };
}
