import type { CheckpointWitness, LedgerCheckpoint } from '../checkpoints/index.js';

/** A witness in memory that keeps every checkpoint it is given (tests of the ledger's side). */
export function memoryWitness(
  witnessName: string,
): CheckpointWitness & { readonly kept: LedgerCheckpoint[]; held: unknown } {
  const kept: LedgerCheckpoint[] = [];
  const witness = {
    witnessName,
    kept,
    /** What latestCheckpoint answers; the last kept checkpoint unless a test sets it. */
    held: undefined as unknown,
    recordCheckpoint(checkpoint: LedgerCheckpoint): Promise<void> {
      kept.push(checkpoint);
      witness.held = checkpoint;
      return Promise.resolve();
    },
    latestCheckpoint: (): Promise<unknown> => Promise.resolve(witness.held),
  };
  return witness;
}
