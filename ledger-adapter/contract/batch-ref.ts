import { ContractError } from './contract-error.js';
import type { ContractState } from './contract-stub.js';

/**
 * How a record names the transaction (the batch) that wrote it without repeating the 64 characters
 * of its id: the id's first 16 characters. Each batch keeps its whole id and what its records
 * share (time, system, Merkle root) once, under `<type> [ref]`.
 */
export const BATCH_REF_LENGTH = 16;

/** The reference of the batch written by transaction `txId`. */
export function batchRef(txId: string): string {
  return txId.slice(0, BATCH_REF_LENGTH);
}

/**
 * Claims the batch record key of this transaction: refuses it when a batch of another transaction
 * holds it (two transaction ids sharing their first 16 characters; the submitter tries again
 * with a new transaction id).
 *
 * @throws ContractError CONFLICT
 */
export async function claimBatchRef(state: ContractState, type: string): Promise<string> {
  const ref = batchRef(state.txId);
  if (await state.exists(type, [ref]))
    throw new ContractError(
      'CONFLICT',
      `batch reference ${ref} is taken by another transaction; submit again with a new transaction id`,
    );
  return ref;
}
