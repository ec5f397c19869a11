/**
 * Witnessed checkpoints: the embedded ledger signs its head (height, last block hash, key) with
 * its node key and publishes it to stores outside its file (the billing book, the registry) and
 * to whoever prints it; a ledger behind, beside or under another key than a witnessed head does
 * not open, and `gridmark ledger verify --expect-head/--expect-key` checks one by hand.
 * May import: `schema/`, the contract's door (canonical JSON) and `ledger-client.ts`.
 */
export {
  CHECKPOINT_TYPE,
  checkpointProblem,
  parseCheckpoint,
  signCheckpoint,
  type CheckpointHead,
  type CheckpointSigner,
  type LedgerCheckpoint,
} from './ledger-checkpoint.js';
export { keyFingerprint } from './key-fingerprint.js';
export type { CheckpointWitness } from './checkpoint-witness.js';
export {
  headProblem,
  keyProblem,
  parseHeadExpectation,
  readFingerprint,
  type ChainHead,
  type HeadExpectation,
} from './head-expectation.js';
export {
  checkWitnessedHead,
  checkpointMismatch,
  type WitnessedChain,
  type WitnessReport,
} from './witnessed-head.js';
export {
  CheckpointPublisher,
  CHECKPOINT_DEFAULTS,
  type CheckpointPublisherOptions,
  type CheckpointSource,
} from './checkpoint-publisher.js';
export {
  openWitnessedLedger,
  type CheckpointOptions,
  type CheckpointingLedger,
} from './witnessed-ledger.js';
