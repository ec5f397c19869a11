import { GridmarkError } from '../../schema/index.js';
import type { Caller } from './registry-types.js';

/**
 * Refuses an operation to a caller: `UNAUTHENTICATED` without a key, `FORBIDDEN` for a role that
 * may not do `what`.
 */
export function forbid(caller: Caller, what: string): never {
  throw new GridmarkError(
    caller.role === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
    caller.role === 'ANONYMOUS' ? `${what} needs an API key.` : `${caller.role} may not ${what}.`,
  );
}

/** Platform admins only. */
export function requireAdmin(caller: Caller, what: string): void {
  if (caller.role !== 'PLATFORM_ADMIN') forbid(caller, what);
}

/** Platform admins and auditors: those who oversee the platform. */
export function requireOverseer(caller: Caller, what: string): void {
  if (caller.role !== 'PLATFORM_ADMIN' && caller.role !== 'AUDITOR') forbid(caller, what);
}

/**
 * Those who act for an enterprise: its operators and platform admins (who name the enterprise
 * explicitly). A system's own key acts for that system only, never for its enterprise.
 */
export function requireEnterpriseActor(caller: Caller, creditCode: string, what: string): void {
  if (
    caller.role === 'PLATFORM_ADMIN' ||
    (caller.role === 'ENTERPRISE_OPERATOR' && caller.creditCode === creditCode)
  )
    return;
  forbid(caller, `${what} for enterprise ${creditCode}`);
}

/** Those who act for a business system: its own key, its enterprise's operators and platform admins. */
export function requireSystemActor(
  caller: Caller,
  system: { readonly code: string; readonly enterpriseCreditCode: string },
  what: string,
): void {
  if (mayActForSystem(caller, system)) return;
  forbid(caller, `${what} for system ${system.code}`);
}

/** True when `caller` may act for `system` (see {@link requireSystemActor}). */
export function mayActForSystem(
  caller: Caller,
  system: { readonly code: string; readonly enterpriseCreditCode: string },
): boolean {
  switch (caller.role) {
    case 'PLATFORM_ADMIN':
      return true;
    case 'ENTERPRISE_USER':
      return caller.systemCode === system.code;
    case 'ENTERPRISE_OPERATOR':
      return caller.creditCode === system.enterpriseCreditCode;
    default:
      return false;
  }
}

/** An application acting for itself, or a platform admin (`overseers`: auditors too). */
export function requireApplicationActor(
  caller: Caller,
  appId: string,
  what: string,
  options: { readonly overseers?: boolean } = {},
): void {
  if (
    caller.role === 'PLATFORM_ADMIN' ||
    (options.overseers === true && caller.role === 'AUDITOR') ||
    (caller.role === 'APPLICATION' && caller.appId === appId)
  )
    return;
  forbid(caller, `${what} of application ${appId}`);
}
