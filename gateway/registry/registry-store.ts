import type {
  Application,
  ApplicationKeyRecord,
  AssociationEntry,
  AuditStatus,
  BusinessSystem,
  ClaimInput,
  CreditEvent,
  CreditEventKind,
  CreditReference,
  DeviceBatchResult,
  Enterprise,
  EnterpriseStatus,
  IdentifierRecord,
  IdentifierStatus,
  RegisteredField,
  RegistryLogEntry,
  RegistryStatistics,
  Role,
  SystemStatus,
} from './registry-types.js';
import type { DeviceKind, DirectoryEntry } from '../catalog/index.js';

/** What is appended to the registry log with every change, in the same transaction. */
export interface LogInput {
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A credit event to record; the store works out the new score from the stored one, in the same transaction. */
export interface CreditEventInput {
  readonly creditCode: string;
  readonly systemCode: string | null;
  readonly kind: CreditEventKind;
  /** By a number of points, or to a score; either way the result is kept within 0-100. */
  readonly change: { readonly by: number } | { readonly to: number };
  readonly reason: string;
  readonly actor: string;
  readonly reference: CreditReference;
  /** When the new score is below this, every ACTIVE system of the enterprise is suspended (logged as `system.suspended`, actor `credit`). */
  readonly suspendBelow: number;
  /** A SUSPENDED system to reactivate in the same transaction (a reinstatement), with its log entry. */
  readonly reactivate?: { readonly systemCode: string; readonly log: LogInput };
}

/** What recording a credit event changed. */
export interface CreditEventResult {
  readonly enterprise: Enterprise;
  readonly event: CreditEvent;
  /** Codes of the systems suspended because the score fell below `suspendBelow`. */
  readonly suspended: readonly string[];
  readonly reactivated: BusinessSystem | null;
}

/** One pending piece of ledger evidence: a system's fields, or a device's catalog entry. */
export interface OutboxEntry {
  readonly seq: number;
  readonly kind: 'fields' | 'catalog';
  /** The system code (fields) or device identifier (catalog). */
  readonly subject: string;
}

/** An enterprise account to open or apply for. */
export interface EnterpriseAccountInput {
  readonly creditCode: string;
  readonly name: string;
  readonly contact: string | null;
  /** The credit score a new enterprise starts with. */
  readonly initialScore: number;
  readonly log: Omit<LogInput, 'subject'>;
}

/** An enterprise operator key to store with an approval: only the hash of its secret. */
export interface OperatorKey {
  readonly keyId: string;
  readonly secretHash: string;
  readonly label: string;
}

/** A platform admin's decision on a PENDING application. */
export type EnterpriseDecision =
  | { readonly status: 'APPROVED'; readonly key: OperatorKey }
  | { readonly status: 'REJECTED'; readonly reason: string };

/** A stored principal, found by key id. */
export interface StoredPrincipal {
  readonly keyId: string;
  readonly role: Role;
  readonly systemCode: string | null;
  readonly appId: string | null;
  /** The enterprise an ENTERPRISE_OPERATOR acts for. */
  readonly creditCode: string | null;
  readonly label: string;
  readonly secretHash: string;
  readonly revoked: boolean;
}

/**
 * Storage of the registry. Every write method is atomic (one transaction, log entry included)
 * and refuses through {@link StoreConflict} rather than writing half. SQLite is the embedded
 * implementation; a PostgreSQL one implements the same interface.
 */
export interface RegistryStore {
  // Enterprises
  getEnterprise(creditCode: string): Promise<Enterprise | undefined>;
  /** Enterprises in credit-code order, optionally of one status. */
  listEnterprises(status?: EnterpriseStatus): Promise<readonly Enterprise[]>;
  /**
   * Records a self-service application: a new enterprise, PENDING; a REJECTED one applies again
   * (PENDING, with the new name and contact, its credit score kept). Logged with the enterprise as subject.
   * @throws StoreConflict `ALREADY_REGISTERED` when the enterprise is PENDING or APPROVED; nothing is written then.
   */
  applyEnterprise(input: EnterpriseAccountInput): Promise<Enterprise>;
  /**
   * Opens an APPROVED enterprise account with its first operator key: a new enterprise, or one
   * whose application was REJECTED. Logged with the enterprise as subject.
   * @throws StoreConflict `ALREADY_REGISTERED` (APPROVED), `INVALID_STATE` (an application is
   * PENDING: approve or reject it); nothing is written then.
   */
  createEnterprise(
    input: EnterpriseAccountInput & { readonly key: OperatorKey },
  ): Promise<Enterprise>;
  /**
   * Decides a PENDING application: APPROVED with its first operator key, or REJECTED with a reason.
   * @throws StoreConflict `NOT_FOUND`, `INVALID_STATE` (not PENDING); nothing is written then.
   */
  reviewEnterprise(
    creditCode: string,
    decision: EnterpriseDecision,
    log: LogInput,
  ): Promise<Enterprise>;

  // Systems
  /**
   * Creates the system with the next code under `authorityPrefix` for an APPROVED enterprise, and its key.
   * @throws StoreConflict `ENTERPRISE_NOT_APPROVED` when the enterprise is unknown or not APPROVED; nothing is written then.
   */
  createSystem(input: {
    readonly creditCode: string;
    readonly authorityPrefix: string;
    readonly name: string;
    readonly subgraphName: string;
    readonly description: string;
    readonly url: string;
    readonly sdl: string;
    readonly codingRule: string;
    readonly key: { readonly keyId: string; readonly secretHash: string };
    readonly log: Omit<LogInput, 'subject'>;
  }): Promise<BusinessSystem>;
  getSystem(code: string): Promise<BusinessSystem | undefined>;
  listSystems(status?: SystemStatus): Promise<readonly BusinessSystem[]>;
  /** Stored SDLs of the systems with the given status. */
  systemSdls(status: SystemStatus): Promise<
    readonly {
      readonly code: string;
      readonly subgraphName: string;
      readonly url: string;
      readonly sdl: string;
    }[]
  >;
  updateSystem(
    code: string,
    change: { readonly status?: SystemStatus; readonly url?: string; readonly sdl?: string },
    log: LogInput,
  ): Promise<BusinessSystem>;

  // Credit
  /**
   * Changes an enterprise's score and appends the credit event, its registry log entry
   * (`credit.<kind>`, e.g. `credit.tamper`), the suspensions it causes and the reactivation it
   * asks for, all in one transaction. A FEEDBACK event is refused when the same application
   * (`reference.appId`) already rated the same system on the event's UTC day.
   * @throws StoreConflict `NOT_FOUND` (no such enterprise or system), `FEEDBACK_LIMIT`,
   * `INVALID_STATE` (the system to reactivate is not SUSPENDED); nothing is written then.
   */
  recordCreditEvent(input: CreditEventInput): Promise<CreditEventResult>;
  /** Credit events, oldest first, with `seq` greater than `after`; of one enterprise or one system when given. */
  creditHistory(filter: {
    readonly creditCode?: string;
    readonly systemCode?: string;
    readonly after: number;
    readonly limit: number;
  }): Promise<readonly CreditEvent[]>;

  // Principals
  createPrincipal(principal: Omit<StoredPrincipal, 'revoked'>, log: LogInput): Promise<void>;
  findPrincipal(keyId: string): Promise<StoredPrincipal | undefined>;
  revokePrincipals(
    filter: { readonly label: string; readonly role: Role },
    log: LogInput,
  ): Promise<number>;

  // Applications
  /**
   * Creates an application (next `APP-nnnn` id) and its key.
   * @throws StoreConflict `ALREADY_REGISTERED` when an application has this name; nothing is written then.
   */
  createApplication(input: {
    readonly name: string;
    readonly roles: readonly string[];
    readonly key: { readonly keyId: string; readonly secretHash: string };
    readonly log: Omit<LogInput, 'subject'>;
  }): Promise<Application>;
  getApplication(appId: string): Promise<Application | undefined>;
  /** Every API key an application was given, revoked ones included, oldest first. */
  listApplicationKeys(appId: string): Promise<readonly ApplicationKeyRecord[]>;
  /**
   * Revokes one of an application's keys (a key already revoked stays as it was), with its log entry.
   * @throws StoreConflict `NOT_FOUND` when the application has no key with this id; nothing is written then.
   */
  revokeApplicationKey(appId: string, keyId: string, log: LogInput): Promise<ApplicationKeyRecord>;
  findApplication(name: string): Promise<Application | undefined>;

  // Fields
  /**
   * Adds fields (next field codes; change policy `refuse` unless given) or updates the fees of
   * existing ones by name, and their change policies where given.
   */
  upsertFields(
    systemCode: string,
    fields: readonly {
      readonly name: string;
      readonly feeFen: number | null;
      readonly changePolicy?: RegisteredField['changePolicy'];
    }[],
    log: LogInput,
  ): Promise<readonly RegisteredField[]>;
  listFields(systemCode?: string): Promise<readonly RegisteredField[]>;
  /** The system that owns a field name, if any. */
  fieldOwner(name: string): Promise<string | undefined>;

  // Identifiers
  /**
   * Registers a system's own devices in one transaction. An identifier it registered before is
   * unchanged when registered again with the same local code and kind, a conflict otherwise
   * (`DEVICE_KIND_CONFLICT`, `DUPLICATE_IDENTIFIER`). With `dryRun`, every check runs and the
   * transaction is rolled back: nothing is written, the result says what would be.
   */
  registerOwnDevices(
    systemCode: string,
    devices: readonly {
      readonly identifier: string;
      readonly localCode: string;
      readonly kind: DeviceKind;
    }[],
    log: LogInput,
    options?: DeviceBatchOptions,
  ): Promise<DeviceBatchResult>;
  /** Records a system's local codes for devices others identified, in one transaction; `dryRun` as for {@link registerOwnDevices}. */
  claimDevices(
    systemCode: string,
    claims: readonly ClaimInput[],
    log: LogInput,
    options?: DeviceBatchOptions,
  ): Promise<DeviceBatchResult>;
  getIdentifier(identifier: string): Promise<IdentifierRecord | undefined>;
  setIdentifierStatus(
    identifier: string,
    status: IdentifierStatus,
    log: LogInput,
  ): Promise<IdentifierRecord>;
  auditIdentifier(
    identifier: string,
    audit: { readonly status: AuditStatus; readonly by: string; readonly note: string | null },
    log: LogInput,
  ): Promise<IdentifierRecord>;

  // Catalog and reads
  associations(deviceIds: readonly string[]): Promise<ReadonlyMap<string, AssociationEntry>>;
  /** Directory entries for the gateway: active identifiers held by active systems. */
  directoryEntries(deviceIds: readonly string[]): Promise<ReadonlyMap<string, DirectoryEntry>>;
  statistics(): Promise<RegistryStatistics>;

  // Ledger outbox: what the ledger must learn, recorded with each change
  /** The oldest pending outbox entries. */
  outboxBatch(limit: number): Promise<readonly OutboxEntry[]>;
  /** Removes the entries up to and including `seq`, once the ledger has them. */
  outboxDone(seq: number): Promise<void>;
  log(after: number, limit: number): Promise<readonly RegistryLogEntry[]>;
  /** Appends a log entry for a change kept elsewhere (a rule on the ledger). */
  appendLog(entry: LogInput): Promise<void>;
  close(): Promise<void>;

  // A system's own view of itself
  /** The devices a system holds (issued or claimed), after identifier `after`, in identifier order. */
  systemHoldings(
    systemCode: string,
    after: string,
    limit: number,
  ): Promise<readonly SystemHolding[]>;
  /** The system's registry evidence (fields, catalog entries) still waiting for the ledger. */
  systemPendingEvidence(systemCode: string): Promise<SystemPendingEvidence>;
}

/** A device a business system holds, as the system itself sees it. */
export interface SystemHolding {
  readonly identifier: string;
  readonly localCode: string;
  readonly kind: DeviceKind;
  readonly status: IdentifierStatus;
  /** The system that issued the identifier: this one, or another for a claimed device. */
  readonly issuerCode: string;
  readonly heldSince: string;
}

/** A system's registry evidence waiting in the registry's ledger outbox. */
export interface SystemPendingEvidence {
  /** Field registrations or re-pricings not yet on the ledger. */
  readonly fieldUpdates: number;
  /** Devices whose catalog entry has changes not yet on the ledger. */
  readonly catalogEntries: number;
  /** When the oldest of them was recorded; null when nothing waits. */
  readonly oldestSince: string | null;
}

/** How a device batch is written. */
export interface DeviceBatchOptions {
  /** Check the batch against the registry as it is, and write nothing. */
  readonly dryRun?: boolean;
}

/**
 * A write the store refused because of what is already stored (a duplicate identifier, a local
 * code used twice, an unknown identifier). `reason` is the registry error code to raise.
 */
export class StoreConflict extends Error {
  override readonly name = 'StoreConflict';
  constructor(
    readonly reason:
      | 'DUPLICATE_IDENTIFIER'
      | 'DEVICE_KIND_CONFLICT'
      | 'UNKNOWN_IDENTIFIER'
      | 'NOT_FOUND'
      | 'FIELD_CONFLICT'
      | 'FEEDBACK_LIMIT'
      | 'INVALID_STATE'
      | 'ALREADY_REGISTERED'
      | 'ENTERPRISE_NOT_APPROVED',
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
