import { GridmarkError } from '../../schema/index.js';
import type { CheckpointWitness } from './checkpoint-witness.js';
import { headProblem, keyProblem, type ChainHead } from './head-expectation.js';
import { checkpointProblem, type LedgerCheckpoint } from './ledger-checkpoint.js';

/** A chain as the witness check reads it: its head, key and blocks, and the hash of its block 0. */
export interface WitnessedChain extends ChainHead {
  readonly genesis: string;
}

/** The latest checkpoint of each witness that holds one. */
export type WitnessReport = readonly {
  readonly witness: string;
  readonly checkpoint: LedgerCheckpoint | undefined;
}[];

/**
 * Why `chain` is not the ledger `checkpoint` was signed for, or does not reach its head, or
 * undefined when it holds that head (as its head or further back) under the same key.
 */
export function checkpointMismatch(
  chain: WitnessedChain,
  checkpoint: LedgerCheckpoint,
  label: string,
): string | undefined {
  const keyMismatch = keyProblem(chain, checkpoint.keyId, label);
  if (keyMismatch !== undefined) return keyMismatch;
  if (checkpoint.genesis !== chain.genesis)
    return `block 0 is ${chain.genesis.slice(0, 16)}…, not ${checkpoint.genesis.slice(0, 16)}… (${label}): this is another ledger`;
  return headProblem(chain, { height: checkpoint.height, hash: checkpoint.head }, label);
}

/**
 * Checks a ledger against the latest checkpoint each witness holds: every one must verify, be of
 * this ledger and its key, and name a block the chain holds. A witness that holds none is fine
 * (a new ledger, or one opened with witnesses for the first time).
 *
 * @throws GridmarkError `LEDGER_HEAD_MISMATCH` naming the witness, the checkpoint and what differs;
 *   `BAD_CONFIGURATION` when a witness cannot be read
 */
export async function checkWitnessedHead(
  chain: WitnessedChain,
  witnesses: readonly CheckpointWitness[],
): Promise<WitnessReport> {
  const report: { witness: string; checkpoint: LedgerCheckpoint | undefined }[] = [];
  for (const witness of witnesses) {
    let latest: unknown;
    try {
      latest = await witness.latestCheckpoint();
    } catch (error) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `Cannot read the ledger's checkpoints in the ${witness.witnessName}.`,
        { cause: error },
      );
    }
    if (latest === undefined) {
      report.push({ witness: witness.witnessName, checkpoint: undefined });
      continue;
    }
    const invalid = checkpointProblem(latest);
    if (invalid !== undefined)
      throw refusal(
        `The ${witness.witnessName} holds a checkpoint of the ledger that is not valid: ${invalid}.`,
        witness,
      );
    const checkpoint = latest as LedgerCheckpoint;
    const label = `checkpoint signed ${checkpoint.at}, kept in the ${witness.witnessName}`;
    const problem = checkpointMismatch(chain, checkpoint, label);
    if (problem !== undefined) {
      throw refusal(
        `The ledger does not hold the head it signed and published: ${problem}.`,
        witness,
        checkpoint,
      );
    }
    report.push({ witness: witness.witnessName, checkpoint });
  }
  return report;
}

function refusal(
  message: string,
  witness: CheckpointWitness,
  checkpoint?: LedgerCheckpoint,
): GridmarkError {
  return new GridmarkError('LEDGER_HEAD_MISMATCH', message, {
    details: {
      witness: witness.witnessName,
      ...(checkpoint
        ? { height: checkpoint.height, head: checkpoint.head, keyId: checkpoint.keyId }
        : {}),
    },
  });
}
