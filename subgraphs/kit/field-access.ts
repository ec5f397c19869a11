import type { KeyObject } from 'node:crypto';
import {
  DEFAULT_GRANT_SKEW_SECONDS,
  GRANT_HEADER,
  GridmarkError,
  PROTOCOL_HEADER,
  createGrantVerifier,
  createReplayGuard,
  refuseGrant,
  requireSpokenVersion,
  type GatewayPublicKeys,
  type Grant,
  type ReplayGuard,
} from '../../schema/index.js';

/** How a subgraph decides who may read: only holders of a gateway grant, or anyone (tests). */
export type AccessPolicy =
  | {
      readonly kind: 'grants';
      /** The gateway's key, the keys of its key set, or a lookup by key id (`kid`). */
      readonly gatewayPublicKey: GatewayPublicKeys;
      /**
       * Fetches the gateway's key set again, at most as often as the source allows; called once
       * when a grant names a key id the system does not know, before the grant is refused
       * `UNKNOWN_KEY`. Without it such a grant is refused at once.
       */
      readonly refreshKeys?: () => Promise<void>;
      /** The system's X25519 grant key; replicas of one system behind one address share one. Default: a fresh key for the life of the process. */
      readonly grantKey?: KeyObject;
      /** Allowed clock skew on a grant's `exp` and `iat`, in seconds. Default 30. */
      readonly skewSeconds?: number;
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
  /** Checks the request's protocol version and grant with the keys known now. */
  check(headers: HeaderReader | undefined): RequestAccess;
  /** Fetches the gateway's keys again, when the policy can: for a grant under an unknown key id. */
  readonly refreshKeys?: () => Promise<void>;
  /** With grants required: the system's grant key, announced to the gateway beside every answer (see `schema/grant-channel.ts`). */
  readonly grantKey?: string;
}

/** Creates the checker for a subgraph named `subgraph`. */
export function createAccessChecker(policy: AccessPolicy, subgraph: string): AccessChecker {
  if (policy.kind === 'open') {
    const check = (headers: HeaderReader | undefined): RequestAccess =>
      refusal(() => {
        requireSpokenVersion(headers?.(PROTOCOL_HEADER), subgraph);
        return { kind: 'open' };
      });
    return { check };
  }
  const now = policy.now ?? Date.now;
  const skewSeconds = policy.skewSeconds ?? DEFAULT_GRANT_SKEW_SECONDS;
  const guard: ReplayGuard = createReplayGuard(now);
  const verifier = createGrantVerifier({
    gatewayPublicKey: policy.gatewayPublicKey,
    subgraph,
    skewSeconds,
    ...(policy.grantKey === undefined ? {} : { grantKey: policy.grantKey }),
  });
  const check = (headers: HeaderReader | undefined): RequestAccess =>
    refusal(() => {
      requireSpokenVersion(headers?.(PROTOCOL_HEADER), subgraph);
      const grant = verifier.verify(headers?.(GRANT_HEADER), now());
      // A grant is accepted until exp plus the skew, so its nonce is remembered as long.
      if (!guard.firstUse(grant.nonce, grant.exp + skewSeconds * 1000))
        refuseGrant('REPLAYED', 'The grant was already used.');
      return {
        kind: 'granted',
        grant,
        devices: new Set(grant.devices),
        fields: new Set(grant.fields),
      };
    });
  return {
    grantKey: verifier.grantKey,
    check,
    ...(policy.refreshKeys === undefined ? {} : { refreshKeys: policy.refreshKeys }),
  };
}

function refusal(check: () => RequestAccess): RequestAccess {
  try {
    return check();
  } catch (error) {
    if (error instanceof GridmarkError) return { kind: 'refused', error };
    throw error;
  }
}

/** True when the request's grant names a key id the system does not know (yet). */
export function refusedForUnknownKey(access: RequestAccess): boolean {
  return access.kind === 'refused' && access.error.details['reason'] === 'UNKNOWN_KEY';
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
