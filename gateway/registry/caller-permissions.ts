import { GridmarkError } from '../../schema/index.js';
import type { Caller } from './registry-types.js';

/**
 * Refuses an operation to a caller: `UNAUTHENTICATED` without a key, `FORBIDDEN` for a role that
 * may not do `what`.
 */
export function forbid(caller: Caller, what: string): never {
  throw new GridmarkError(caller.role === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN', caller.role === 'ANONYMOUS' ? `${what} needs an API key.` : `${caller.role} may not ${what}.`);
}

/** Platform admins only. */
export function requireAdmin(caller: Caller, what: string): void {
  if (caller.role !== 'PLATFORM_ADMIN') forbid(caller, what);
}

/** Platform admins and auditors: those who oversee the platform. */
export function requireOverseer(caller: Caller, what: string): void {
  if (caller.role !== 'PLATFORM_ADMIN' && caller.role !== 'AUDITOR') forbid(caller, what);
}
