/**
 * The embedded ledger, gridmark's default: the contract run in-process over a signed chain of
 * blocks in one SQLite file, the verifier that re-walks such a file, and archiving and pruning.
 * May import: `schema/`, the doors of checkpoints, contract and runtime, `contract-runtime.ts`
 * and `ledger-client.ts` (and `testing/`, in the crash test's child process only).
 */
export {
  createEmbeddedLedger,
  type EmbeddedLedger,
  type EmbeddedLedgerOptions,
} from './embedded-ledger.js';
export { EmbeddedLedgerError } from './embedded-errors.js';
export {
  legacyNodeKeyPath,
  locateNodeKey,
  nodeKeyPath,
  NODE_KEY_ENV,
  type NodeKeyLocation,
} from './node-key.js';
export {
  verifyLedgerFile,
  type ChainReport,
  type VerifiedHead,
  type VerifyOptions,
} from './chain-verifier.js';
export { signFileCheckpoint } from './file-checkpoint.js';
export {
  archiveLedger,
  pruneLedger,
  type ArchiveOptions,
  type ArchiveReport,
} from './ledger-archive.js';
export { readLedgerBase, type LedgerBase } from './ledger-base.js';
export {
  inspectLedgerFile,
  type LedgerInspector,
  type InspectedBlock,
} from './ledger-inspector.js';
