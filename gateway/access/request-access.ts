import type { Resolution } from '../../ledger-adapter/index.js';

/** How one released (or withheld) field value stands against the ledger. */
export interface FieldVerification {
  readonly device: string;
  readonly field: string;
  readonly fieldCode: string;
  readonly system: string;
  /** VERIFIED: equals its anchor; UNVERIFIED: changed since its anchor, released by the field's policy; TAMPERED and UNVERIFIABLE: withheld. */
  readonly status: 'VERIFIED' | 'UNVERIFIED' | 'TAMPERED' | 'UNVERIFIABLE';
  /** The anchor compared with: its ledger transaction and version. */
  readonly anchor: {
    readonly txId: string;
    readonly version: number;
    readonly commitment: string;
  } | null;
  /** The salt the business system revealed for this value (lets the application re-check it later). */
  readonly salt: string | null;
  /** The whole value released, as committed (absent for withheld values). */
  readonly value?: unknown;
}

/** What the gateway decided for one request, kept in its context. */
export interface RequestAccess {
  readonly applicationId: string;
  readonly function: string;
  readonly role: string;
  readonly resolution: Resolution | null;
  /** Business-system fields the operation selects, all granted by the rule. */
  readonly fields: ReadonlySet<string>;
  readonly verifications: FieldVerification[];
}

/** The gateway's per-request context. */
export interface GatewayContext {
  readonly headers: (name: string) => string | undefined;
  /** Set once the operation's fields are checked and resolved on the ledger. */
  access?: RequestAccess;
  /** Settles once the access check has decided (whichever way): checks that build on it wait for it. */
  accessDecided?: Promise<void>;
  readonly [key: string]: unknown;
}
