import type {
  Anchor,
  AnchorCommitmentsInput,
  CatalogEntry,
  FieldRecord,
  ParsingRule,
  PutCatalogEntriesInput,
  PutParsingRuleInput,
  RegisterFieldsInput,
  ReportTamperInput,
  Resolution,
  ResolveInput,
  BatchedResolveInput,
  RuleKey,
  TamperReport,
  Trade,
  TradeReceipt,
} from '../contract/index.js';

/** How many calls the adapter made to the ledger (cache hits make none). */
export interface LedgerCallStats {
  readonly evaluations: number;
  readonly submissions: number;
}

/**
 * The typed ledger, as the gateway and the subgraph kit use it: one method per transaction of
 * docs/ledger-contract.md. Reads of fields, catalog entries, parsing rules and anchors are cached
 * and invalidated by the ledger's events; anchor reads of one tick are batched into one
 * `GetAnchors` call. Every method rejects with a GridmarkError: `LEDGER_REJECTED` (with
 * `details.contractCode`) when the contract refused, `LEDGER_UNAVAILABLE` when the ledger did
 * not answer.
 */
export interface LedgerAdapter {
  registerFields(input: RegisterFieldsInput): Promise<{ fieldCodes: string[] }>;
  putCatalogEntries(input: PutCatalogEntriesInput): Promise<{ deviceIds: string[] }>;
  putParsingRule(input: PutParsingRuleInput): Promise<ParsingRule>;
  /** Resolves devices for a function and records the resolution (`NO_RULE` when none applies). */
  resolve(input: ResolveInput): Promise<Resolution>;
  /** Records many resolutions in one transaction under ids chosen in advance; refusals come back one by one. */
  resolveBatch(
    requests: readonly BatchedResolveInput[],
  ): Promise<{ recorded: string[]; refused: { resolutionId: string; code: string }[] }>;
  anchorCommitments(input: AnchorCommitmentsInput): Promise<{ count: number; txId: string }>;
  recordTrades(trades: readonly Trade[]): Promise<{ receipts: TradeReceipt[] }>;
  reportTamper(input: ReportTamperInput): Promise<TamperReport>;

  /** Cached. */
  getFields(fieldCodes: readonly string[]): Promise<(FieldRecord | null)[]>;
  /** Cached. */
  getCatalogEntries(deviceIds: readonly string[]): Promise<(CatalogEntry | null)[]>;
  /** The rule for the role, else for `*`, else null. Cached. */
  getParsingRule(key: RuleKey): Promise<ParsingRule | null>;
  /** One hash record. Batched with every other anchor read of the same tick, and cached. */
  getAnchor(deviceId: string, fieldCode: string): Promise<Anchor | null>;
  /** Many hash records, in order. Batched and cached like {@link getAnchor}. */
  getAnchors(
    keys: readonly (readonly [deviceId: string, fieldCode: string])[],
  ): Promise<(Anchor | null)[]>;
  getResolution(resolutionId: string): Promise<Resolution | null>;
  getTrade(tradeId: string): Promise<{ trade: Trade; receipt: TradeReceipt } | null>;
  getTamperReports(systemCode: string): Promise<TamperReport[]>;

  /** Calls made to the ledger so far. */
  readonly stats: LedgerCallStats;
  /** Stops following events and closes the ledger client. */
  close(): Promise<void>;
}
