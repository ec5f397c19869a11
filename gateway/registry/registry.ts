import type {
  Anchor,
  LedgerAdapter,
  LedgerOutbox,
  ParsingRule,
  Resolution,
} from '../../ledger-adapter/index.js';
import type { Logger } from '../../schema/index.js';
import type { DeviceDirectory } from '../catalog/index.js';
import type { CreditEvaluation } from './credit.js';
import type { EnterpriseOnboarding } from './enterprise-onboarding.js';
import type { OutboundClient, OutboundOptions } from '../outbound/index.js';
import type { DeviceBatchOptions, RegistryStore } from './registry-store.js';
import type { SystemAnchoring, SystemIdentifierPage } from './service/system-self-service.js';
import type {
  Application,
  ApplicationKeyRecord,
  AssociationEntry,
  AuditStatus,
  BusinessSystem,
  Caller,
  ClaimInput,
  DeviceBatchResult,
  Enterprise,
  IdentifierRecord,
  IdentifierStatus,
  OwnDeviceInput,
  RegisteredField,
  RegistryLogEntry,
  RegistryStatistics,
  SystemStatus,
} from './registry-types.js';

/** Options of `createRegistry`. */
export interface RegistryOptions {
  readonly store: RegistryStore;
  /** The authority's own prefix; systems get `<authorityPrefix>.<n>`. */
  readonly authorityPrefix: string;
  /** Credit score a new enterprise starts with (0-100). */
  readonly initialCreditScore?: number;
  /** Registration needs a credit score at least this high. */
  readonly creditThreshold?: number;
  /** Reads a subgraph's SDL; by default `_service { sdl }` over HTTP through the {@link RegistryOptions.outbound} guard. */
  readonly probeSubgraph?: (name: string, url: string) => Promise<string>;
  /**
   * What the registry's calls to applicant URLs may reach, their deadline and size cap. By default
   * private, loopback, link-local, metadata and other restricted networks are refused; a network
   * run on one machine (the demo, tests) passes `DEVELOPMENT_OUTBOUND`.
   */
  readonly outbound?: OutboundOptions;
  /** Most devices in one registration call. */
  readonly maxBatch?: number;
  /** The ledger that receives the registry's evidence (fields, association catalog); none keeps it local. */
  readonly ledger?: LedgerAdapter;
  /**
   * The durable ledger outbox the evidence goes through, shared with the gateway. Without one, the
   * registry keeps an outbox in memory over `ledger` (its change log still survives a crash, but
   * what was handed over does not): for tests only.
   */
  readonly outbox?: LedgerOutbox;
  /** Whether an application has traded with a business system, so may rate it; absent, every rating is refused. */
  readonly tradedWith?: (appId: string, systemCode: string) => Promise<boolean>;
  readonly logger?: Logger;
}

/** What a system registration submits (patent [0058]-[0062]). */
export interface SystemRegistrationInput {
  /** The onboarded enterprise's name, when given, must be the one its account holds. */
  readonly enterpriseName?: string | null;
  /** The enterprise the system belongs to: onboarded (APPROVED), and the caller's own. */
  readonly creditCode: string;
  readonly systemName: string;
  readonly subgraphName: string;
  readonly description: string;
  readonly url: string;
  readonly codingRule?: string;
}

/** A subgraph the live supergraph should contain. */
export interface RegisteredSubgraph {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  /** Its registered `Device` fields: the only ones the gateway asks it for. */
  readonly fields: readonly string[];
}

/** The identifier registry: business systems, their fields and devices, the association catalog, credit. */
export interface Registry extends DeviceDirectory, CreditEvaluation, EnterpriseOnboarding {
  /** Resolves an `Authorization` bearer key to a principal. @throws `UNAUTHENTICATED` for a bad key. */
  authenticate(apiKey: string | undefined): Promise<Caller>;
  /**
   * Registers a business system of an onboarded enterprise, with the enterprise's operator key
   * (or a platform admin's); returns the system and its own key (shown once).
   * @throws GridmarkError `UNAUTHENTICATED`, `FORBIDDEN` (another enterprise's key),
   * `ENTERPRISE_NOT_APPROVED`, `CREDIT_TOO_LOW`, `URL_NOT_ALLOWED`, `SYSTEM_UNREACHABLE`, `COMPOSITION_FAILED`.
   */
  registerSystem(
    caller: Caller,
    input: SystemRegistrationInput,
  ): Promise<{ readonly system: BusinessSystem; readonly apiKey: string }>;
  updateSystemEndpoint(caller: Caller, code: string, url: string): Promise<BusinessSystem>;
  setSystemStatus(
    caller: Caller,
    code: string,
    status: SystemStatus,
    reason: string,
  ): Promise<BusinessSystem>;
  /**
   * Registers (or re-prices) a system's shareable fields with their change policy: the only
   * source of the policy the gateway and the ledger apply. A new field named without one is
   * `refuse`; a re-registration that names none keeps the field's policy.
   */
  registerFields(
    caller: Caller,
    systemCode: string,
    fields: readonly {
      readonly name: string;
      readonly feeFen?: number | null;
      readonly changePolicy?: RegisteredField['changePolicy'] | null;
    }[],
  ): Promise<readonly RegisteredField[]>;
  /**
   * Registers a batch of the system's own devices, all or nothing. The same device again (same
   * local code and kind) changes nothing; with another kind it is `DEVICE_KIND_CONFLICT`. With
   * `dryRun` the batch is checked against the registry as it is and nothing is written.
   * @throws GridmarkError `BAD_DEVICE_ROW`, `DUPLICATE_IDENTIFIER`, `DEVICE_KIND_CONFLICT` (with `details.row`), `LIMIT_EXCEEDED`.
   */
  registerDevices(
    caller: Caller,
    systemCode: string,
    devices: readonly OwnDeviceInput[],
    options?: DeviceBatchOptions,
  ): Promise<DeviceBatchResult>;
  /** Records the system's local codes for devices others identified, all or nothing; `dryRun` as for {@link registerDevices}. */
  claimDevices(
    caller: Caller,
    systemCode: string,
    claims: readonly ClaimInput[],
    options?: DeviceBatchOptions,
  ): Promise<DeviceBatchResult>;
  setIdentifierStatus(
    caller: Caller,
    identifier: string,
    status: IdentifierStatus,
    reason: string,
  ): Promise<IdentifierRecord>;
  auditIdentifier(
    caller: Caller,
    identifier: string,
    result: Exclude<AuditStatus, 'UNAUDITED'>,
    note: string | null,
  ): Promise<IdentifierRecord>;
  /**
   * Every API key an application was given, revoked ones included, oldest first (ids, labels and
   * times; never a key). The application itself, platform admins and auditors.
   * @throws GridmarkError `NOT_FOUND` for an unknown application, `FORBIDDEN`, `UNAUTHENTICATED`.
   */
  applicationKeys(caller: Caller, appId: string): Promise<readonly ApplicationKeyRecord[]>;
  /**
   * Revokes one of an application's API keys at once (the hot-read cache forgets it too); a key
   * already revoked stays as it was. The application itself or a platform admin.
   * @throws GridmarkError `NOT_FOUND` when the application has no such key, `FORBIDDEN`, `UNAUTHENTICATED`.
   */
  revokeApplicationKey(caller: Caller, appId: string, keyId: string): Promise<ApplicationKeyRecord>;
  /** Registers a data application with the roles its users act in; returns its id and key (shown once). Platform admins. */
  registerApplication(
    caller: Caller,
    input: { readonly name: string; readonly roles: readonly string[] },
  ): Promise<{ readonly application: Application; readonly apiKey: string }>;
  getApplication(appId: string): Promise<Application | undefined>;
  /** Mints a further key for a registered application, found by name (shown once). Platform admins. */
  issueApplicationKey(
    caller: Caller,
    name: string,
  ): Promise<{ readonly appId: string; readonly apiKey: string }>;
  /**
   * Publishes an application's parsing rule to the ledger contract: for a function (and a role,
   * or `*` for any), the field codes it needs. Only registered fields may be named.
   */
  publishRule(
    caller: Caller,
    input: {
      readonly appId: string;
      readonly function: string;
      readonly role: string;
      readonly fieldCodes: readonly string[];
    },
  ): Promise<ParsingRule>;
  /** Mints a key for an admin or auditor. Platform admins only. */
  issueKey(caller: Caller, role: 'PLATFORM_ADMIN' | 'AUDITOR', label: string): Promise<string>;
  /** Mints an admin key without a caller: for the operator at the registry's console, never over the API. */
  bootstrapAdminKey(label: string): Promise<string>;
  getSystem(code: string): Promise<BusinessSystem | undefined>;
  getEnterprise(creditCode: string): Promise<Enterprise | undefined>;
  listSystems(status?: SystemStatus): Promise<readonly BusinessSystem[]>;
  listFields(systemCode?: string): Promise<readonly RegisteredField[]>;
  getIdentifier(identifier: string): Promise<IdentifierRecord | undefined>;
  association(deviceId: string): Promise<AssociationEntry | undefined>;
  statistics(caller: Caller): Promise<RegistryStatistics>;
  log(caller: Caller, after: number, limit: number): Promise<readonly RegistryLogEntry[]>;
  /**
   * The guard of calls to registered systems' URLs (see `RegistryOptions.outbound`): whoever
   * reads a registered system's schema again (the gateway's supergraph) goes through it too.
   */
  readonly outbound: OutboundClient;
  /** The active systems' subgraphs, as last read at registration. */
  activeSubgraphs(): Promise<readonly RegisteredSubgraph[]>;
  /**
   * Forwards a system's field commitments to the ledger (its own fields only). `vouched`: the
   * system vouches for the values from its write path, so they may replace the anchors of
   * `refuse` fields (the ledger refuses that otherwise, `LEDGER_REJECTED` with `NOT_VOUCHED`).
   * @throws GridmarkError `BAD_CONFIGURATION` when the registry has no ledger.
   */
  anchorCommitments(
    caller: Caller,
    systemCode: string,
    commitments: readonly {
      readonly deviceId: string;
      readonly fieldCode: string;
      readonly commitment: string;
    }[],
    options?: { readonly vouched?: boolean },
  ): Promise<{ readonly count: number; readonly txId: string }>;
  /** The ledger's anchors of these (device, field code) pairs: public evidence, read through the aggregator. */
  ledgerAnchors(keys: readonly (readonly [string, string])[]): Promise<(Anchor | null)[]>;
  /** A resolution recorded on the ledger, or null. */
  ledgerResolution(resolutionId: string): Promise<Resolution | null>;
  /** Waits until the ledger holds every registration made so far (no-op without a ledger). */
  flushLedgerEvidence(timeoutMs?: number): Promise<void>;
  /**
   * A system's own identifiers (issued or claimed), paged in identifier order. The system's own
   * key, its enterprise's operators and platform admins; others get `FORBIDDEN` whether or not
   * the system exists.
   * @throws GridmarkError `FORBIDDEN`, `UNAUTHENTICATED`, `NOT_FOUND` (admins only), `BAD_INPUT` (limit).
   */
  systemIdentifiers(
    caller: Caller,
    code: string,
    page: { readonly after?: string | null; readonly limit?: number | null },
  ): Promise<SystemIdentifierPage>;
  /**
   * A system's anchoring state: per field what the ledger holds for its devices, its registry
   * evidence still waiting for the ledger, and the latest verification failures the gateway
   * recorded against it. Who may read it: as for {@link systemIdentifiers}.
   */
  systemAnchoring(caller: Caller, code: string): Promise<SystemAnchoring>;
  /** Calls `listener` after every change of the set of active systems or their schemas. */
  onSystemsChanged(listener: () => void): () => void;
  close(): Promise<void>;
}
