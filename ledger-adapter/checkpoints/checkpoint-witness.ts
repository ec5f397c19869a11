import type { LedgerCheckpoint } from './ledger-checkpoint.js';

/**
 * A store outside the ledger file that keeps the ledger's signed checkpoints: the billing book and
 * the registry each are one. The ledger publishes its head to every witness it was opened with,
 * and does not open behind the latest head a witness holds.
 */
export interface CheckpointWitness {
  /** What the witness is, for messages (`billing book data/demo/billing.db`). */
  readonly witnessName: string;
  /**
   * Keeps a checkpoint. One at the height of the latest is kept once.
   *
   * @throws GridmarkError `LEDGER_HEAD_MISMATCH` when the checkpoint is below the latest one the
   *   witness holds, at its height with another head, or of another key or ledger: nothing is kept then
   */
  recordCheckpoint(checkpoint: LedgerCheckpoint): Promise<void>;
  /**
   * The highest checkpoint kept, as it was recorded (not checked: the caller checks its
   * signature), or undefined when none is.
   */
  latestCheckpoint(): Promise<unknown>;
  /**
   * False once the store has closed (it may close before the ledger does): the ledger then
   * publishes to the other witnesses only. Absent means always open.
   */
  isOpen?(): boolean;
}
