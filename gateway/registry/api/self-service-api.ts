import type { Registry } from '../registry.js';
import { text, wrap, type Args, type RegistryContext } from './resolver-support.js';

/** The registry API's self-service part: a business system's own identifiers and anchoring state. */
export const SELF_SERVICE_TYPE_DEFS = `#graphql
  extend type Query {
    "The identifiers a system holds (issued or claimed), in identifier order, after the cursor. The system's own key, its enterprise's operators and platform admins; anyone else gets FORBIDDEN whether or not the system exists."
    systemIdentifiers(code: ID!, after: String, limit: Int = 100): SystemIdentifierPage!
    "A system's anchoring state, to debug its integration: per field, what the ledger holds for its devices; its registry evidence still waiting for the ledger; the latest verification failures recorded against it. Anchoring through anchorCommitments is synchronous, so anchors are never pending: a call either returns the ledger transaction or fails. Who may read it: as for systemIdentifiers."
    systemAnchoring(code: ID!): SystemAnchoring!
  }

  type SystemIdentifier {
    identifier: ID!
    "The system's own code for the device."
    localCode: String!
    kind: DeviceKind!
    status: IdentifierStatus!
    "The system that issued the identifier: this one, or another for a claimed device."
    issuerCode: ID!
    heldSince: String!
  }
  type SystemIdentifierPage { items: [SystemIdentifier!]!, "Pass as after for the next page; null on the last page." nextCursor: String }

  type FieldAnchoring {
    fieldCode: ID!
    name: String!
    changePolicy: ChangePolicy!
    "Devices checked whose value of this field has an anchor on the ledger."
    anchored: Int!
    "Devices checked without one: the system never anchored them, so their values cannot be proven."
    unanchored: Int!
    latestAnchoredAt: String
    "The ledger transaction of the latest anchor."
    latestTxId: ID
    latestDeviceId: ID
  }
  type PendingEvidence {
    "Field registrations or re-pricings recorded by the registry, not yet on the ledger."
    fieldUpdates: Int!
    "Devices whose catalog entry has changes not yet on the ledger (a device unknown to the ledger cannot be anchored or resolved yet)."
    catalogEntries: Int!
    oldestSince: String
  }
  enum FindingCode { TAMPERED UNPROVEN }
  "A verification failure the gateway recorded against the system, as a credit event. TAMPERED: a value did not match its anchor. UNPROVEN: a query got values without a proof or without an anchor (the device is not recorded then, only the field codes)."
  type VerificationFinding { seq: Int!, at: String!, code: FindingCode!, deviceId: ID, fieldCodes: [ID!]!, resolutionId: ID, reason: String! }
  type SystemAnchoring {
    systemCode: ID!
    "False when the registry has no ledger: fields is then empty."
    ledger: Boolean!
    "Devices whose anchors were read: the first 2,000 the system holds, by identifier."
    devicesChecked: Int!
    "More devices are held than were checked."
    truncated: Boolean!
    fields: [FieldAnchoring!]!
    pending: PendingEvidence!
    "The latest 50, newest first."
    findings: [VerificationFinding!]!
  }
`;

/** The resolvers of {@link SELF_SERVICE_TYPE_DEFS}. */
export function selfServiceResolvers(registry: Registry) {
  return {
    Query: {
      systemIdentifiers: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.systemIdentifiers(caller, text(args, 'code'), {
            after: typeof args['after'] === 'string' ? args['after'] : null,
            limit: typeof args['limit'] === 'number' ? args['limit'] : null,
          }),
        ),
      systemAnchoring: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.systemAnchoring(caller, text(args, 'code'))),
    },
  };
}
