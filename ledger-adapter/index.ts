/**
 * The ledger: association catalog, parsing rules, resolutions, anchored field commitments,
 * trade contracts and tamper reports, kept by one smart contract on the embedded ledger (the
 * default) or on Hyperledger Fabric. `createLedger(config)` gives the typed, cached adapter.
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
  keyFingerprint,
  parseCheckpoint,
  type CheckpointOptions,
  type CheckpointWitness,
  type LedgerCheckpoint,
} from './checkpoints/index.js';
export {
  createEmbeddedLedger,
  verifyLedgerFile,
  EmbeddedLedgerError,
  type EmbeddedLedger,
  type EmbeddedLedgerOptions,
  type ChainReport,
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
  LedgerOutbox,
  openLedgerOutbox,
  type LedgerOutboxOptions,
  type OutboxOutcome,
  type OutboxRecord,
  type OutboxLedger,
} from './outbox/index.js';
export { createContractRunner } from './runtime/index.js';
// Straight from the modules that do not load fabric-contract-api (see runtime/load-contract.ts).
export { CONTRACT_ERROR_CODES, type ContractErrorCode } from './contract/contract-error.js';
export { verifyTradeReceipt } from './contract/trades.js';
export { buildResolution, MAX_DEVICES_PER_RESOLUTION } from './contract/resolution.js';
export type { BatchedResolveInput, ReportTamperInput } from './contract/index.js';
export type * from './contract/records.js';
export type { LedgerClient, LedgerEvent, SubmitResult } from './ledger-client.js';
export type {
  ContractRunner,
  TransactionInput,
  TransactionOutcome,
  WorldStateReader,
  StateEntry,
} from './contract-runtime.js';
