import { GridmarkError } from '../../../schema/index.js';
import type { Registry } from '../registry-service.js';
import { mayActForSystem } from '../caller-permissions.js';
import type { EnterpriseInput } from '../enterprise-onboarding.js';
import type {
  AuditStatus,
  Caller,
  EnterpriseStatus,
  IdentifierStatus,
  SystemStatus,
} from '../registry-types.js';

/** The registry API's schema: served at `/registry`, beside the device supergraph. */
export const REGISTRY_TYPE_DEFS = `#graphql
  type Query {
    "The caller, as its API key identifies it; null without a key."
    me: Principal
    "One enterprise by its unified social credit code: its onboarding status and credit. Its contact is shown to admins and auditors only."
    enterprise(creditCode: String!): Enterprise
    "Enterprise accounts, optionally by status (PENDING: the applications waiting for review). Admins and auditors."
    enterprises(status: EnterpriseStatus): [Enterprise!]!
    "One business system by its system identifier code."
    system(code: ID!): BusinessSystem
    "Business systems, optionally by status."
    systems(status: SystemStatus): [BusinessSystem!]!
    "Registered shareable fields, optionally of one system."
    fields(systemCode: ID): [Field!]!
    "One device identifier with its holders and audit state."
    identifier(id: ID!): Identifier
    "The association catalog entry of a device: the systems holding it and their field codes."
    association(deviceId: ID!): Association
    "Anchors on the ledger of (device, field code) pairs, in order; null where none. Public evidence."
    ledgerAnchors(keys: [AnchorKeyInput!]!): [LedgerAnchor]!
    "A resolution recorded on the ledger. Public evidence."
    ledgerResolution(id: ID!): LedgerResolution
    "A registered data application."
    application(appId: ID!): Application
    "Every API key the application was given, revoked ones included, oldest first: ids and times, never a key. The application itself, platform admins and auditors."
    applicationKeys(appId: ID!): [ApplicationKeyInfo!]!
    "Counts of systems, devices, key devices and fields, overall and per system. Any authenticated caller."
    statistics: Statistics!
    "The append-only registry log, oldest first after sequence number after. Admins and auditors."
    registryLog(after: Int = 0, limit: Int = 100): [LogEntry!]!
    "Credit events, oldest first after sequence number after: of one enterprise, of one system, or all. Any authenticated caller."
    creditHistory(creditCode: String, systemCode: ID, after: Int = 0, limit: Int = 100): [CreditEvent!]!
  }

  type Mutation {
    "Applies for an enterprise account; no key needed. It waits PENDING until a platform admin, having verified the applicant, approves it (and hands over its operator key) or rejects it."
    applyForEnterprise(input: EnterpriseInput!): Enterprise!
    "Opens an approved enterprise account and issues its operator key, shown only here. Platform admins."
    createEnterprise(input: EnterpriseInput!): EnterpriseKey!
    "Approves a pending application and issues the enterprise's operator key, shown only here. Platform admins."
    approveEnterprise(creditCode: String!): EnterpriseKey!
    "Rejects a pending application; the enterprise registers nothing. Platform admins."
    rejectEnterprise(creditCode: String!, reason: String!): Enterprise!
    "Issues a further operator key for an approved enterprise, shown only here. Platform admins."
    issueEnterpriseKey(creditCode: String!): EnterpriseKey!
    "Registers a business system of an onboarded enterprise (patent [0058]-[0062]): the enterprise's operator key, or a platform admin's. Returns its system identifier code and the system's own API key, shown only here."
    registerSystem(input: RegisterSystemInput!): SystemRegistration!
    "Points a system at a new subgraph URL (after the same reachability and composition checks)."
    updateSystemEndpoint(code: ID!, url: String!): BusinessSystem!
    "Suspends, revokes (final) or reactivates a system. Platform admins."
    setSystemStatus(code: ID!, status: SystemStatus!, reason: String!): BusinessSystem!
    "Registers or re-prices shareable fields of a system; each gets a field identifier code."
    registerFields(systemCode: ID!, fields: [FieldInput!]!): [Field!]!
    "Registers a batch of the system's own devices, all or nothing; identifiers are <system code>/<suffix by its coding rule>. A device registered again with the same local code and kind is unchanged; with another kind the batch is refused (DEVICE_KIND_CONFLICT). dryRun: check the batch against the registry as it is and write nothing."
    registerDevices(systemCode: ID!, devices: [DeviceInput!]!, dryRun: Boolean = false): DeviceBatchResult!
    "Records the system's own local codes for devices other systems identified, all or nothing. dryRun: check only, write nothing."
    claimDevices(systemCode: ID!, claims: [ClaimInput!]!, dryRun: Boolean = false): DeviceBatchResult!
    "Suspends, revokes (final) or reactivates an identifier. Its issuing system or a platform admin."
    setIdentifierStatus(id: ID!, status: IdentifierStatus!, reason: String!): Identifier!
    "Records whether the device behind an identifier was confirmed to exist. Auditors and admins."
    auditIdentifier(id: ID!, result: AuditResult!, note: String): Identifier!
    "Sets an enterprise's credit score (0-100). Platform admins."
    setCreditScore(creditCode: String!, score: Int!, reason: String!): Enterprise!
    "Anchors a batch of the system's field commitments on the ledger. The system's own key. vouched: the system vouches for these values from its write path, which lets them replace the anchors of REFUSE fields."
    anchorCommitments(systemCode: ID!, commitments: [CommitmentInput!]!, vouched: Boolean = false): AnchorResult!
    "Registers a data application with the roles its users act in. Returns its id and API key, shown only here. Platform admins."
    registerApplication(name: String!, roles: [String!]!): ApplicationRegistration!
    "Mints a further API key for a registered application, found by name; shown only here. Platform admins."
    issueApplicationKey(name: String!): ApplicationKey!
    "Revokes one of an application's API keys at once (a revoked key stays revoked). The application itself or a platform admin."
    revokeApplicationKey(appId: ID!, keyId: ID!): ApplicationKeyInfo!
    "Publishes a parsing rule to the ledger contract: the field codes a function needs, for a role (or * for any role). The application itself or a platform admin."
    publishRule(appId: ID!, function: String!, role: String!, fieldCodes: [ID!]!): Rule!
    "Rates a business system the application traded with: 1 (worst) to 5, once per system per UTC day. Applications."
    submitFeedback(systemCode: ID!, score: Int!, reason: String!): CreditEvent!
    "Reactivates a suspended system; raises its enterprise's credit to score (default: the threshold) when below the threshold. Platform admins and auditors."
    reinstateSystem(code: ID!, reason: String!, score: Int): Reinstatement!
    "Issues an API key for a platform admin or an auditor, shown only here. Platform admins."
    issueKey(role: IssuableRole!, label: String!): String!
  }

  enum SystemStatus { ACTIVE SUSPENDED REVOKED }
  enum IdentifierStatus { ACTIVE SUSPENDED REVOKED }
  enum AuditResult { CONFIRMED NOT_FOUND }
  enum IssuableRole { PLATFORM_ADMIN AUDITOR }
  enum Role { PLATFORM_ADMIN ENTERPRISE_OPERATOR ENTERPRISE_USER AUDITOR APPLICATION }
  enum EnterpriseStatus { PENDING APPROVED REJECTED }
  enum DeviceKind { MODULE STRING COMBINER_BOX INVERTER TRANSFORMER METER OTHER }

  input RegisterSystemInput {
    "When given, the name the enterprise was onboarded with."
    enterpriseName: String
    "The onboarded enterprise's unified social credit code (GB 32100-2015), 18 characters."
    creditCode: String!
    systemName: String!
    "The subgraph's name in the supergraph: lower-case letters, digits, dashes."
    subgraphName: String!
    description: String!
    "Where the system serves its federation subgraph."
    url: String!
    "How suffixes are built from the device's own code: {code} (default) or e.g. {kind}-{code}."
    codingRule: String
  }
  "What a value changed since its anchor is: REFUSE (tampered, withheld) or RELEASE_UNVERIFIED (a live value, released UNVERIFIED)."
  enum ChangePolicy { REFUSE RELEASE_UNVERIFIED }
  input FieldInput { name: String!, "Fee standard per use, integer fen; omit for free." feeFen: Int, "REFUSE for a new field when omitted; a re-registration that omits it keeps the field's policy." changePolicy: ChangePolicy }
  input DeviceInput { localCode: String!, kind: DeviceKind! }
  input ClaimInput { identifier: ID!, localCode: String! }
  input CommitmentInput { deviceId: ID!, fieldCode: ID!, "SHA-256, 64 lower-case hex digits." commitment: String! }
  type AnchorResult { count: Int!, "The ledger transaction." txId: ID! }

  type Principal { role: Role!, label: String!, systemCode: ID, appId: ID, "The enterprise an ENTERPRISE_OPERATOR acts for." creditCode: String }
  input EnterpriseInput {
    "Unified social credit code (GB 32100-2015), 18 characters."
    creditCode: String!
    name: String!
    "How the platform reaches the applicant to verify it."
    contact: String
  }
  type EnterpriseKey { enterprise: Enterprise!, "The operator key: shown once; only its hash is kept." apiKey: String! }
  type Application { appId: ID!, name: String!, roles: [String!]!, createdAt: String! }
  input AnchorKeyInput { deviceId: ID!, fieldCode: ID! }
  type LedgerAnchor { deviceId: ID!, fieldCode: ID!, systemCode: ID!, commitment: String!, anchoredAt: String!, txId: ID!, version: Int! }
  type LedgerResolution { resolutionId: ID!, applicationId: ID!, function: String!, role: String!, resolvedAt: String!, totalFeeFen: Int! }
  type ApplicationKey { appId: ID!, apiKey: String! }
  type ApplicationKeyInfo { "The key's id, the part after gmk_ and before the secret." keyId: ID!, label: String!, createdAt: String!, "Null while the key is valid." revokedAt: String }
  type ApplicationRegistration { application: Application!, "Shown once; only its hash is kept." apiKey: String! }
  type Rule { applicationId: ID!, function: String!, role: String!, fieldCodes: [ID!]!, "The ledger transaction that wrote it." txId: ID!, updatedAt: String! }
  type Enterprise {
    creditCode: String!
    name: String!
    creditScore: Int!
    "Only an APPROVED enterprise registers business systems."
    status: EnterpriseStatus!
    "Why its application was rejected."
    statusReason: String
    "Shown to platform admins and auditors only."
    contact: String
    createdAt: String!
    "Its credit events, oldest first. Any authenticated caller."
    creditHistory(after: Int = 0, limit: Int = 100): [CreditEvent!]!
  }
  enum CreditEventKind { TAMPER FAILED_VERIFICATION FEEDBACK ADMIN REINSTATEMENT }
  "What a credit event refers to; which members are set depends on its kind."
  type CreditReference { deviceId: ID, fieldCode: ID, resolutionId: ID, fieldCodes: [ID!], appId: ID, rating: Int }
  type CreditEvent {
    seq: Int!
    at: String!
    creditCode: String!
    "Null for a change of the enterprise as a whole."
    systemCode: ID
    kind: CreditEventKind!
    "scoreAfter - scoreBefore: the change applied, within 0-100."
    delta: Int!
    scoreBefore: Int!
    scoreAfter: Int!
    reason: String!
    actor: String!
    reference: CreditReference!
  }
  type Reinstatement { system: BusinessSystem!, "The REINSTATEMENT event; null when the score was not below the threshold." creditEvent: CreditEvent }
  type BusinessSystem {
    code: ID!
    name: String!
    subgraphName: String!
    description: String!
    "Where the system serves its subgraph: shown to platform admins, auditors and the system's own operator only."
    url: String
    codingRule: String!
    status: SystemStatus!
    enterprise: Enterprise
    fields: [Field!]!
    createdAt: String!
    updatedAt: String!
  }
  type SystemRegistration { system: BusinessSystem!, "Shown once; only its hash is kept." apiKey: String! }
  type Field { code: ID!, systemCode: ID!, name: String!, coordinate: String!, feeFen: Int, changePolicy: ChangePolicy!, createdAt: String! }
  type Holding { systemCode: ID!, localCode: String! }
  type Audit { status: String!, by: String, at: String, note: String }
  type Identifier { identifier: ID!, issuerCode: ID!, kind: DeviceKind!, status: IdentifierStatus!, audit: Audit!, holdings: [Holding!]!, createdAt: String! }
  type AssociationHolding { systemCode: ID!, subgraphName: String!, localCode: String!, fieldCodes: [ID!]! }
  type Association { deviceId: ID!, "Held by two or more systems." key: Boolean!, holdings: [AssociationHolding!]! }
  type DeviceBatchResult { registered: Int!, unchanged: Int!, identifiers: [ID!]! }
  type SystemCounts { active: Int!, suspended: Int!, revoked: Int! }
  type SystemStatistics { systemCode: ID!, name: String!, status: SystemStatus!, issued: Int!, held: Int!, fields: Int! }
  type Statistics { systems: SystemCounts!, devices: Int!, keyDevices: Int!, fields: Int!, perSystem: [SystemStatistics!]! }
  type LogEntry { seq: Int!, at: String!, actor: String!, action: String!, subject: String!, details: String! }
`;

/** Per-request context of the registry API. */
export interface RegistryContext {
  readonly caller: Caller;
}

type Args = Record<string, unknown>;
const text = (args: Args, key: string): string => {
  const value = args[key];
  return typeof value === 'string' ? value : '';
};

const historyFilter = (args: Args): Parameters<Registry['creditHistory']>[1] => ({
  ...(typeof args['creditCode'] === 'string' ? { creditCode: args['creditCode'] } : {}),
  ...(typeof args['systemCode'] === 'string' ? { systemCode: args['systemCode'] } : {}),
  after: Number(args['after'] ?? 0),
  limit: Number(args['limit'] ?? 100),
});

/** Resolvers: thin, all rules live in the registry service. */
export function createRegistryResolvers(registry: Registry) {
  const wrap = <T>(work: () => Promise<T>): Promise<T> =>
    work().catch((error: unknown) => {
      throw error instanceof GridmarkError ? error.toGraphQLError() : error;
    });
  return {
    Query: {
      me: (_: unknown, __: Args, { caller }: RegistryContext) =>
        caller.role === 'ANONYMOUS' ? null : caller,
      enterprise: (_: unknown, args: Args) =>
        registry.getEnterprise(text(args, 'creditCode').toUpperCase()),
      enterprises: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.listEnterprises(
            caller,
            (args['status'] as EnterpriseStatus | null) ?? undefined,
          ),
        ),
      system: (_: unknown, args: Args) => registry.getSystem(text(args, 'code')),
      systems: (_: unknown, args: Args) =>
        registry.listSystems((args['status'] as SystemStatus | null) ?? undefined),
      fields: (_: unknown, args: Args) =>
        registry.listFields((args['systemCode'] as string | null) ?? undefined),
      ledgerAnchors: (_: unknown, args: { keys: { deviceId: string; fieldCode: string }[] }) =>
        wrap(() =>
          registry.ledgerAnchors(args.keys.map((k) => [k.deviceId, k.fieldCode] as const)),
        ),
      ledgerResolution: (_: unknown, args: Args) =>
        wrap(() => registry.ledgerResolution(text(args, 'id'))),
      application: (_: unknown, args: Args) => registry.getApplication(text(args, 'appId')),
      applicationKeys: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.applicationKeys(caller, text(args, 'appId'))),
      identifier: (_: unknown, args: Args) => registry.getIdentifier(text(args, 'id')),
      association: (_: unknown, args: Args) => registry.association(text(args, 'deviceId')),
      statistics: (_: unknown, __: Args, { caller }: RegistryContext) =>
        wrap(() => registry.statistics(caller)),
      creditHistory: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.creditHistory(caller, historyFilter(args))),
      registryLog: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(async () =>
          (await registry.log(caller, Number(args['after']), Number(args['limit']))).map((e) => ({
            ...e,
            details: JSON.stringify(e.details),
          })),
        ),
    },
    Mutation: {
      applyForEnterprise: (
        _: unknown,
        args: { input: EnterpriseInput },
        { caller }: RegistryContext,
      ) => wrap(() => registry.applyForEnterprise(caller, args.input)),
      createEnterprise: (
        _: unknown,
        args: { input: EnterpriseInput },
        { caller }: RegistryContext,
      ) => wrap(() => registry.createEnterprise(caller, args.input)),
      approveEnterprise: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.approveEnterprise(caller, text(args, 'creditCode'))),
      rejectEnterprise: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.rejectEnterprise(caller, text(args, 'creditCode'), text(args, 'reason')),
        ),
      issueEnterpriseKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.issueEnterpriseKey(caller, text(args, 'creditCode'))),
      registerSystem: (
        _: unknown,
        args: { input: Parameters<Registry['registerSystem']>[1] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.registerSystem(caller, args.input)),
      updateSystemEndpoint: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.updateSystemEndpoint(caller, text(args, 'code'), text(args, 'url'))),
      setSystemStatus: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.setSystemStatus(
            caller,
            text(args, 'code'),
            args['status'] as SystemStatus,
            text(args, 'reason'),
          ),
        ),
      registerFields: (
        _: unknown,
        args: { systemCode: string; fields: Parameters<Registry['registerFields']>[2] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.registerFields(caller, args.systemCode, args.fields)),
      registerDevices: (
        _: unknown,
        args: {
          systemCode: string;
          devices: Parameters<Registry['registerDevices']>[2];
          dryRun?: boolean | null;
        },
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.registerDevices(caller, args.systemCode, args.devices, {
            dryRun: args.dryRun === true,
          }),
        ),
      claimDevices: (
        _: unknown,
        args: {
          systemCode: string;
          claims: Parameters<Registry['claimDevices']>[2];
          dryRun?: boolean | null;
        },
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.claimDevices(caller, args.systemCode, args.claims, {
            dryRun: args.dryRun === true,
          }),
        ),
      setIdentifierStatus: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.setIdentifierStatus(
            caller,
            text(args, 'id'),
            args['status'] as IdentifierStatus,
            text(args, 'reason'),
          ),
        ),
      auditIdentifier: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.auditIdentifier(
            caller,
            text(args, 'id'),
            args['result'] as Exclude<AuditStatus, 'UNAUDITED'>,
            (args['note'] as string | null) ?? null,
          ),
        ),
      setCreditScore: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.setCreditScore(
            caller,
            text(args, 'creditCode'),
            Number(args['score']),
            text(args, 'reason'),
          ),
        ),
      registerApplication: (
        _: unknown,
        args: { name: string; roles: string[] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.registerApplication(caller, args)),
      issueApplicationKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.issueApplicationKey(caller, text(args, 'name'))),
      revokeApplicationKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.revokeApplicationKey(caller, text(args, 'appId'), text(args, 'keyId'))),
      publishRule: (
        _: unknown,
        args: { appId: string; function: string; role: string; fieldCodes: string[] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.publishRule(caller, args)),
      anchorCommitments: (
        _: unknown,
        args: {
          systemCode: string;
          commitments: Parameters<Registry['anchorCommitments']>[2];
          vouched?: boolean | null;
        },
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.anchorCommitments(caller, args.systemCode, args.commitments, {
            vouched: args.vouched === true,
          }),
        ),
      submitFeedback: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(
          async () =>
            (
              await registry.submitFeedback(caller, {
                systemCode: text(args, 'systemCode'),
                score: Number(args['score']),
                reason: text(args, 'reason'),
              })
            ).event,
        ),
      reinstateSystem: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(async () => {
          const { system, event } = await registry.reinstateSystem(caller, text(args, 'code'), {
            reason: text(args, 'reason'),
            ...(typeof args['score'] === 'number' ? { score: args['score'] } : {}),
          });
          return { system, creditEvent: event };
        }),
      issueKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.issueKey(
            caller,
            args['role'] as 'PLATFORM_ADMIN' | 'AUDITOR',
            text(args, 'label'),
          ),
        ),
    },
    BusinessSystem: {
      // Subgraph addresses are infrastructure: not for anonymous callers or other systems.
      url: (
        system: { code: string; enterpriseCreditCode: string; url: string },
        _: Args,
        { caller }: RegistryContext,
      ) => (caller.role === 'AUDITOR' || mayActForSystem(caller, system) ? system.url : null),
      fields: (system: { code: string }) => registry.listFields(system.code),
      enterprise: (system: { enterpriseCreditCode: string }) =>
        registry.getEnterprise(system.enterpriseCreditCode),
    },
    // The API spells policies as enum values; the registry and the ledger as the kit declares them.
    ChangePolicy: { REFUSE: 'refuse', RELEASE_UNVERIFIED: 'release-unverified' },
    Enterprise: {
      // How to reach an applicant is for those who review applications.
      contact: (enterprise: { contact: string | null }, _: Args, { caller }: RegistryContext) =>
        caller.role === 'PLATFORM_ADMIN' || caller.role === 'AUDITOR' ? enterprise.contact : null,
      creditHistory: (
        enterprise: { creditCode: string },
        args: Args,
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.creditHistory(caller, {
            ...historyFilter(args),
            creditCode: enterprise.creditCode,
          }),
        ),
    },
  };
}
