import type { Logger } from '../../schema/index.js';
import type { LedgerClient } from '../ledger-client.js';
import { CheckpointPublisher, type CheckpointSource } from './checkpoint-publisher.js';
import type { CheckpointWitness } from './checkpoint-witness.js';
import { checkWitnessedHead, type WitnessedChain } from './witnessed-head.js';

/** Who keeps the ledger's checkpoints, and how often it publishes them. */
export interface CheckpointOptions {
  /** Stores outside the ledger file that keep its checkpoints (the billing book, the registry). */
  readonly witnesses: readonly CheckpointWitness[];
  /** Publish once the chain grew by this many blocks. Default 1,000. */
  readonly everyBlocks?: number;
  /** Publish this often while the chain grows (milliseconds). Default 60,000. */
  readonly everyMs?: number;
}

/** A ledger that signs checkpoints of its head: the embedded ledger. */
export interface CheckpointingLedger extends LedgerClient, CheckpointSource {
  readonly keyId: string;
  readonly genesis: string;
  blockHash(number: number): string | undefined;
}

/**
 * Checks `ledger` against the checkpoints its witnesses hold, then publishes its head to them at
 * once, as it grows and when it closes. Returns the client to use in its place (its `close`
 * publishes the last head); on a refusal the ledger is closed.
 *
 * @throws GridmarkError `LEDGER_HEAD_MISMATCH` when the ledger is behind a witnessed checkpoint,
 *   holds another block at its height, or is signed by another key (see {@link checkWitnessedHead})
 */
export async function openWitnessedLedger(
  ledger: CheckpointingLedger,
  options: CheckpointOptions & { readonly logger?: Logger },
): Promise<LedgerClient> {
  let report;
  try {
    report = await checkWitnessedHead(chainOf(ledger), options.witnesses);
  } catch (error) {
    await ledger.close();
    throw error;
  }
  const heights = report.map((r) => BigInt(r.checkpoint?.height ?? 0));
  const held = heights.length === 0 ? 0n : heights.reduce((a, b) => (a < b ? a : b));
  options.logger?.info(
    `the ledger's head at height ${ledger.height} holds its witnessed checkpoints: ${report.map((r) => `${r.witness} ${r.checkpoint ? `height ${r.checkpoint.height}` : 'none yet'}`).join(', ') || 'no witnesses'}`,
  );
  const publisher = new CheckpointPublisher({ ...options, source: ledger }, held);
  await publisher.publish();
  return {
    evaluate: (transaction, args) => ledger.evaluate(transaction, args),
    submit: async (transaction, args) => {
      const result = await ledger.submit(transaction, args);
      publisher.noteBlock(result.blockNumber);
      return result;
    },
    events: (eventOptions) => ledger.events(eventOptions),
    close: async () => {
      await ledger.close();
      await publisher.stop();
    },
  };
}

function chainOf(ledger: CheckpointingLedger): WitnessedChain {
  return {
    height: Number(ledger.height),
    keyId: ledger.keyId,
    genesis: ledger.genesis,
    hashAt: (number) => ledger.blockHash(number),
  };
}
