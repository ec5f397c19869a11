/**
 * The ledger: association catalog, parsing rules, resolutions, anchored field commitments,
 * trade contracts and tamper reports, kept by one smart contract on the embedded ledger (the
 * default) or on Hyperledger Fabric. `createLedger(config)` gives the typed, cached adapter.
 * This is the package's door (`gridmark/ledger-adapter`): it re-exports, from each room's door,
 * what the gateway, the CLI and applications use. It loads fabric-contract-api only through the
 * runtime's quiet loader (runtime/load-contract.ts), and gRPC only for a Fabric configuration.
 */
export {
  createLedger,
  createLedgerClient,
  DEFAULT_EMBEDDED_LEDGER_PATH,
  type LedgerConfig,
  type EmbeddedLedgerConfig,
  type FabricLedgerSelection,
  type CreateLedgerOptions,
} from './create-ledger.js';
export {
  createLedgerAdapter,
  translateLedgerError,
  type LedgerAdapter,
  type LedgerAdapterOptions,
  type LedgerCallStats,
} from './adapter/index.js';
export {
  checkpointProblem,
  headProblem,
  keyFingerprint,
  keyProblem,
  parseCheckpoint,
  parseHeadExpectation,
  readFingerprint,
  type ChainHead,
  type CheckpointOptions,
  type CheckpointWitness,
  type HeadExpectation,
  type LedgerCheckpoint,
} from './checkpoints/index.js';
export {
  archiveLedger,
  createEmbeddedLedger,
  inspectLedgerFile,
  locateNodeKey,
  pruneLedger,
  signFileCheckpoint,
  verifyLedgerFile,
  EmbeddedLedgerError,
  NODE_KEY_ENV,
  type ChainReport,
  type EmbeddedLedger,
  type EmbeddedLedgerOptions,
  type InspectedBlock,
  type VerifiedHead,
} from './embedded/index.js';
// The Fabric client itself (createFabricLedgerClient, FabricLedgerError) is `gridmark/ledger-adapter/fabric`:
// it loads gRPC, which `createLedger` loads only for a Fabric configuration.
export type {
  FabricLedgerConfig,
  FabricTransport,
  FabricDeadlines,
  PemSource,
} from './fabric/index.js';
export {
  DEFAULT_OUTBOX_PATH,
  inspectOutboxFile,
  LedgerOutbox,
  openLedgerOutbox,
  type LedgerOutboxOptions,
  type OutboxLedger,
  type OutboxOutcome,
  type OutboxRecord,
  type SettledRecord,
} from './outbox/index.js';
export { createContractRunner, displayKey } from './runtime/index.js';
export {
  buildReceipts,
  buildResolution,
  merkleTree,
  sameTrade,
  sha256Hex,
  verifyTradeReceipt,
  CONTRACT_ERROR_CODES,
  MAX_DEVICES_PER_RESOLUTION,
  type BatchedResolveInput,
  type ContractErrorCode,
  type ReportTamperInput,
} from './contract/index.js';
// The records the contract keeps, as the adapter returns them.
export type {
  Anchor,
  CatalogEntry,
  FieldChangePolicy,
  FieldRecord,
  Holding,
  ParsingRule,
  ProofStep,
  ResolvedField,
  Resolution,
  TamperReport,
  Trade,
  TradeItem,
  TradePayee,
  TradeReceipt,
} from './contract/index.js';
export type { LedgerClient, LedgerEvent, SubmitResult } from './ledger-client.js';
export type {
  ContractRunner,
  TransactionInput,
  TransactionOutcome,
  WorldStateReader,
  StateEntry,
} from './contract-runtime.js';
