import type { FieldChangePolicy } from '../../ledger-adapter/index.js';
import type { DeviceKind } from '../catalog/index.js';

/**
 * Who may do what in the registry (patent [0066]). An enterprise operator acts for one onboarded
 * enterprise (registers its systems and acts for each of them); an enterprise user holds the key a
 * registration issued and acts for that one business system.
 */
export type Role =
  'PLATFORM_ADMIN' | 'ENTERPRISE_OPERATOR' | 'ENTERPRISE_USER' | 'AUDITOR' | 'APPLICATION';

/** An authenticated caller. Enterprise operators act for one enterprise, enterprise users for one business system. */
export type Principal =
  | { readonly role: 'PLATFORM_ADMIN'; readonly keyId: string; readonly label: string }
  | { readonly role: 'AUDITOR'; readonly keyId: string; readonly label: string }
  | {
      readonly role: 'ENTERPRISE_OPERATOR';
      readonly keyId: string;
      readonly label: string;
      readonly creditCode: string;
    }
  | {
      readonly role: 'ENTERPRISE_USER';
      readonly keyId: string;
      readonly label: string;
      readonly systemCode: string;
    }
  | {
      readonly role: 'APPLICATION';
      readonly keyId: string;
      readonly label: string;
      readonly appId: string;
    };

/** A data application system (patent: 数据应用系统), with the roles its users act in. */
export interface Application {
  readonly appId: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly createdAt: string;
}

/** One API key of an application, as its owner and the platform see it: never the key itself. */
export interface ApplicationKeyRecord {
  /** The key's id: the part after `gmk_` and before the secret. */
  readonly keyId: string;
  readonly label: string;
  readonly createdAt: string;
  /** When the key was revoked; null while it is valid. */
  readonly revokedAt: string | null;
}

/** The caller of an operation: a principal, or nobody (public operations only). */
export type Caller = Principal | { readonly role: 'ANONYMOUS' };

export type SystemStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
export type IdentifierStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
export type AuditStatus = 'UNAUDITED' | 'CONFIRMED' | 'NOT_FOUND';

/**
 * Where an enterprise account stands: a self-service application waits PENDING until a platform
 * admin approves it (which issues its operator key) or rejects it; only an APPROVED enterprise
 * registers business systems.
 */
export type EnterpriseStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface Enterprise {
  readonly creditCode: string;
  readonly name: string;
  readonly creditScore: number;
  readonly status: EnterpriseStatus;
  /** How the platform reaches the applicant (given with the application); null when none was given. */
  readonly contact: string | null;
  /** Why an application was rejected; null otherwise. */
  readonly statusReason: string | null;
  readonly createdAt: string;
}

export interface BusinessSystem {
  /** The system identifier code: the prefix of the identifiers it issues. */
  readonly code: string;
  readonly enterpriseCreditCode: string;
  readonly name: string;
  /** Its subgraph's name in the supergraph. */
  readonly subgraphName: string;
  readonly description: string;
  readonly url: string;
  readonly codingRule: string;
  readonly status: SystemStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RegisteredField {
  /** The field identifier code, `<system code>.F<nnnn>`. */
  readonly code: string;
  readonly systemCode: string;
  readonly name: string;
  /** `Device.<name>` */
  readonly coordinate: string;
  /** Fee standard per use, integer fen; null when the field is free. */
  readonly feeFen: number | null;
  /**
   * What a value changed since its anchor is: `refuse` (tampered, withheld) or
   * `release-unverified` (released UNVERIFIED). The gateway and the ledger take it from here,
   * never from a business system's response.
   */
  readonly changePolicy: FieldChangePolicy;
  readonly createdAt: string;
}

export interface IdentifierRecord {
  readonly identifier: string;
  readonly issuerCode: string;
  readonly kind: DeviceKind;
  readonly status: IdentifierStatus;
  readonly audit: {
    readonly status: AuditStatus;
    readonly by: string | null;
    readonly at: string | null;
    readonly note: string | null;
  };
  readonly holdings: readonly { readonly systemCode: string; readonly localCode: string }[];
  readonly createdAt: string;
}

/** One device in the association catalog: the systems holding it and their field codes. */
export interface AssociationEntry {
  readonly deviceId: string;
  /** True when two or more systems hold it: a key device. */
  readonly key: boolean;
  readonly holdings: readonly {
    readonly systemCode: string;
    readonly subgraphName: string;
    readonly localCode: string;
    readonly fieldCodes: readonly string[];
  }[];
}

export interface RegistryLogEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface RegistryStatistics {
  readonly systems: {
    readonly active: number;
    readonly suspended: number;
    readonly revoked: number;
  };
  readonly devices: number;
  readonly keyDevices: number;
  readonly fields: number;
  readonly perSystem: readonly {
    readonly systemCode: string;
    readonly name: string;
    readonly status: SystemStatus;
    readonly issued: number;
    readonly held: number;
    readonly fields: number;
  }[];
}

/** A device a system registers under its own prefix. */
export interface OwnDeviceInput {
  readonly localCode: string;
  readonly kind: DeviceKind;
}

/** A device another system identified, claimed with this system's local code. */
export interface ClaimInput {
  readonly identifier: string;
  readonly localCode: string;
}

/** The outcome of a device batch. */
export interface DeviceBatchResult {
  /** Newly recorded. */
  readonly registered: number;
  /** Already recorded exactly so (a re-run): nothing changed. */
  readonly unchanged: number;
  /** Identifiers in input order (for own devices: the identifiers assigned). */
  readonly identifiers: readonly string[];
}

/** Why an enterprise's credit score changed (patent claims 3-4, [0066]); the rules are in `credit-rules.ts`. */
export type CreditEventKind =
  'TAMPER' | 'FAILED_VERIFICATION' | 'FEEDBACK' | 'ADMIN' | 'REINSTATEMENT';

/** What a credit event refers to; which members are set depends on its kind. */
export interface CreditReference {
  /** TAMPER: the device whose value did not match its anchor. */
  readonly deviceId?: string;
  /** TAMPER: the field code of that value. */
  readonly fieldCode?: string;
  /** FAILED_VERIFICATION: the resolution of the query, when known. */
  readonly resolutionId?: string | null;
  /** FAILED_VERIFICATION: the field codes served without a proof or an anchor. */
  readonly fieldCodes?: readonly string[];
  /** FEEDBACK: the application that rated the system. */
  readonly appId?: string;
  /** FEEDBACK: its rating, 1-5. */
  readonly rating?: number;
}

/** One change of an enterprise's credit score, kept in the append-only credit history. */
export interface CreditEvent {
  readonly seq: number;
  readonly at: string;
  readonly creditCode: string;
  /** The business system the event concerns; null for changes of the enterprise as a whole. */
  readonly systemCode: string | null;
  readonly kind: CreditEventKind;
  /** `scoreAfter - scoreBefore`: the change applied, after keeping the score within 0-100. */
  readonly delta: number;
  readonly scoreBefore: number;
  readonly scoreAfter: number;
  readonly reason: string;
  readonly actor: string;
  readonly reference: CreditReference;
}

/** The outcome of a credit event: the enterprise as it now stands, the event, and the systems it suspended. */
export type CreditOutcome = Enterprise & {
  readonly event: CreditEvent;
  /** Codes of the systems this event suspended because the score fell below the threshold. */
  readonly suspended: readonly string[];
};
