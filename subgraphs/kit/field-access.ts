import type { KeyObject } from 'node:crypto';
import {
  GRANT_HEADER,
  GridmarkError,
  createGrantVerifier,
  createReplayGuard,
  refuseGrant,
  type Grant,
  type ReplayGuard,
} from '../../schema/index.js';

/** How a subgraph decides who may read: only holders of a gateway grant, or anyone (tests). */
export type AccessPolicy =
  | {
      readonly kind: 'grants';
      readonly gatewayPublicKey: KeyObject;
      /** The system's X25519 grant key; replicas of one system behind one address share one. Default: a fresh key for the life of the process. */
      readonly grantKey?: KeyObject;
      readonly now?: () => number;
    }
  | { readonly kind: 'open' };

/** The outcome of checking one request's grant. */
export type RequestAccess =
  | { readonly kind: 'open' }
  | {
      readonly kind: 'granted';
      readonly grant: Grant;
      readonly devices: ReadonlySet<string>;
      readonly fields: ReadonlySet<string>;
    }
  | { readonly kind: 'refused'; readonly error: GridmarkError };

/** Reads a request header by lower-case name. */
export type HeaderReader = (name: string) => string | undefined;

/** Checks requests against an access policy; one per subgraph, so replays are caught across requests. */
export interface AccessChecker {
  check(headers: HeaderReader | undefined): RequestAccess;
  /** With grants required: the system's grant key, announced to the gateway beside every answer (see `schema/grant-channel.ts`). */
  readonly grantKey?: string;
}

/** Creates the checker for a subgraph named `subgraph`. */
export function createAccessChecker(policy: AccessPolicy, subgraph: string): AccessChecker {
  if (policy.kind === 'open') return { check: () => ({ kind: 'open' }) };
  const now = policy.now ?? Date.now;
  const guard: ReplayGuard = createReplayGuard(now);
  const verifier = createGrantVerifier({
    gatewayPublicKey: policy.gatewayPublicKey,
    subgraph,
    ...(policy.grantKey === undefined ? {} : { grantKey: policy.grantKey }),
  });
  return {
    grantKey: verifier.grantKey,
    check(headers) {
      try {
        const grant = verifier.verify(headers?.(GRANT_HEADER), now());
        if (!guard.firstUse(grant.nonce, grant.exp)) {
          refuseGrant('REPLAYED', 'The grant was already used.');
        }
        return {
          kind: 'granted',
          grant,
          devices: new Set(grant.devices),
          fields: new Set(grant.fields),
        };
      } catch (error) {
        if (error instanceof GridmarkError) return { kind: 'refused', error };
        throw error;
      }
    },
  };
}

/** @throws GridmarkError `GRANT_REFUSED` unless the request may read `deviceId` (and `field`, when given). */
export function requireCovered(access: RequestAccess, deviceId: string, field?: string): void {
  if (access.kind === 'open') return;
  if (access.kind === 'refused') throw access.error;
  if (!access.devices.has(deviceId) || (field !== undefined && !access.fields.has(field))) {
    throw new GridmarkError(
      'GRANT_REFUSED',
      `The grant does not cover ${field === undefined ? deviceId : `Device.${field} of ${deviceId}`}.`,
      { details: { reason: 'NOT_COVERED' } },
    );
  }
}
