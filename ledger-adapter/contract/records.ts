/**
 * The records the contract keeps in world state and returns, as `docs/ledger-contract.md`
 * describes them. Times are ISO-8601 UTC strings taken from the transaction timestamp; money is
 * an integer number of fen.
 */

/**
 * What a changed value of a field is: `refuse` (tampering, unless the system vouches for the
 * change from its write path) or `release-unverified` (a live value that changes between anchors).
 */
export type FieldChangePolicy = 'refuse' | 'release-unverified';

/** The change policies a field may have. */
export const FIELD_CHANGE_POLICIES: readonly FieldChangePolicy[] = ['refuse', 'release-unverified'];

/**
 * A registered shareable field and its fee standard. `changePolicy` is absent only on fields
 * registered by a client that did not state one; their anchors are replaced as before.
 */
export interface FieldRecord {
  readonly fieldCode: string;
  readonly systemCode: string;
  readonly coordinate: string;
  readonly feeFen: number;
  readonly changePolicy?: FieldChangePolicy;
  readonly registeredAt: string;
}

/** The fields one system holds on a device. */
export interface Holding {
  readonly systemCode: string;
  readonly fieldCodes: readonly string[];
}

/** One device of the association catalog; `key` when two or more systems hold it. */
export interface CatalogEntry {
  readonly deviceId: string;
  readonly holdings: readonly Holding[];
  readonly key: boolean;
}

/** A parsing rule: which fields a function of an application needs, for a role (`*` = any). */
export interface ParsingRule {
  readonly applicationId: string;
  readonly function: string;
  readonly role: string;
  readonly fieldCodes: readonly string[];
  readonly updatedAt: string;
  readonly txId: string;
}

/** One field of a resolution, with its holder and fee standard. */
export interface ResolvedField {
  readonly fieldCode: string;
  readonly systemCode: string;
  readonly coordinate: string;
  readonly feeFen: number;
}

/** A recorded resolution: the fields each device yields for an application's function. */
export interface Resolution {
  readonly resolutionId: string;
  readonly applicationId: string;
  readonly function: string;
  readonly role: string;
  readonly resolvedAt: string;
  readonly devices: readonly {
    readonly deviceId: string;
    readonly fields: readonly ResolvedField[];
  }[];
  readonly totalFeeFen: number;
}

/** The latest anchored commitment of one (device, field); `version` counts anchors from 1. */
export interface Anchor {
  readonly deviceId: string;
  readonly fieldCode: string;
  readonly systemCode: string;
  readonly commitment: string;
  readonly anchoredAt: string;
  readonly txId: string;
  readonly version: number;
}

/** What a trade bought of one device: the fields released verified. */
export interface TradeItem {
  readonly deviceId: string;
  readonly fieldCodes: readonly string[];
}

/** One business system's part of a trade: the fee standards of its fields, and what it is paid. */
export interface TradePayee {
  readonly systemCode: string;
  /** The sum of the fee standards (from the resolution) of the system's traded fields. */
  readonly grossFen: number;
  /** What the system receives: the gross less the platform's commission. */
  readonly amountFen: number;
}

/**
 * A trade contract (patent claim 7): one per charged query. Parties (the application, the payee
 * systems, the platform), time, content (function, resolution, devices and field codes) and amount.
 */
export interface Trade {
  readonly tradeId: string;
  readonly applicationId: string;
  readonly resolutionId: string;
  readonly function: string;
  readonly items: readonly TradeItem[];
  readonly payees: readonly TradePayee[];
  /** The platform's commissions plus its resolution fee. */
  readonly platformFeeFen: number;
  /** What the application pays: the payees' amounts plus the platform fee. */
  readonly amountFen: number;
  readonly at: string;
}

/** One step of a Merkle inclusion proof: the sibling hash and on which side it sits. */
export interface ProofStep {
  readonly side: 'L' | 'R';
  readonly hash: string;
}

/** Proof that a trade was recorded in a batch. */
export interface TradeReceipt {
  readonly tradeId: string;
  readonly txId: string;
  readonly leafHash: string;
  readonly merkleRoot: string;
  readonly proof: readonly ProofStep[];
}

/** A report that a field's content no longer matches its anchored commitment. */
export interface TamperReport {
  readonly reportId: string;
  readonly deviceId: string;
  readonly fieldCode: string;
  readonly systemCode: string;
  readonly anchoredCommitment: string;
  readonly observedCommitment: string;
  readonly resolutionId: string;
  readonly reportedAt: string;
  readonly reportedBy: string;
}

/** The composite-key object types of the contract's state. */
export const STATE_TYPES = {
  field: 'field',
  catalog: 'catalog',
  rule: 'rule',
  resolution: 'resolution',
  anchor: 'anchor',
  trade: 'trade',
  tradeBatch: 'tradebatch',
  tamper: 'tamper',
} as const;
