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
