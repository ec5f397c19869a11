import { silentLogger, type Logger } from '../../schema/index.js';
import type { CheckpointWitness } from './checkpoint-witness.js';
import type { LedgerCheckpoint } from './ledger-checkpoint.js';

/** The ledger whose head is published: its durable height and a checkpoint of it, signed on demand. */
export interface CheckpointSource {
  /** The number of durable blocks. */
  readonly height: bigint;
  /** Signs a checkpoint of the durable head (also after the ledger closed). */
  checkpoint(): LedgerCheckpoint;
}

/** Options of {@link CheckpointPublisher}: when it publishes, and to whom. */
export interface CheckpointPublisherOptions {
  readonly source: CheckpointSource;
  readonly witnesses: readonly CheckpointWitness[];
  /** Publish once the chain grew by this many blocks since the last checkpoint. Default 1,000. */
  readonly everyBlocks?: number;
  /** Publish this often while the chain grows (milliseconds). Default 60,000. */
  readonly everyMs?: number;
  readonly logger?: Logger;
}

/** Defaults of {@link CheckpointPublisherOptions}. */
export const CHECKPOINT_DEFAULTS = { everyBlocks: 1_000, everyMs: 60_000 } as const;

type Phase =
  { readonly phase: 'running'; readonly timer: NodeJS.Timeout } | { readonly phase: 'stopped' };

/**
 * Publishes the ledger's signed head to its witnesses: after every `everyBlocks` blocks, every
 * `everyMs` while blocks were added, on demand ({@link publish}) and when stopped. Publications
 * run one at a time; a witness that refuses or fails is logged and the others still get the
 * checkpoint (the chain is not held up by its witnesses).
 */
export class CheckpointPublisher {
  readonly #options: CheckpointPublisherOptions;
  readonly #everyBlocks: number;
  readonly #logger: Logger;
  #published: bigint;
  #running: Promise<LedgerCheckpoint | undefined> = Promise.resolve(undefined);
  /** Publications queued or running. */
  #inFlight = 0;
  #phase: Phase;

  /** Starts publishing; `publishedHeight` is the height the witnesses already hold (0 for none). */
  constructor(options: CheckpointPublisherOptions, publishedHeight = 0n) {
    this.#options = options;
    this.#everyBlocks = options.everyBlocks ?? CHECKPOINT_DEFAULTS.everyBlocks;
    this.#logger = options.logger ?? silentLogger;
    this.#published = publishedHeight;
    const timer = setInterval(
      () => void this.publish(),
      options.everyMs ?? CHECKPOINT_DEFAULTS.everyMs,
    );
    // The timer alone must not keep a process alive.
    timer.unref();
    this.#phase = { phase: 'running', timer };
  }

  /** The height of the last checkpoint published. */
  get publishedHeight(): bigint {
    return this.#published;
  }

  /** Tells the publisher that block `blockNumber` is durable; publishes when `everyBlocks` were added. */
  noteBlock(blockNumber: bigint): void {
    if (
      this.#phase.phase === 'running' &&
      this.#inFlight === 0 &&
      blockNumber + 1n - this.#published >= this.#everyBlocks
    )
      void this.publish();
  }

  /**
   * Publishes a checkpoint of the durable head to every witness, unless the last one published
   * is of that height. Resolves with the checkpoint published, or undefined.
   */
  publish(): Promise<LedgerCheckpoint | undefined> {
    this.#inFlight += 1;
    this.#running = this.#running
      .then(() => this.#publishOnce())
      .finally(() => (this.#inFlight -= 1));
    return this.#running;
  }

  /** Stops the timer and publishes the head once more (after the ledger's last block). */
  async stop(): Promise<void> {
    if (this.#phase.phase === 'stopped') return;
    clearInterval(this.#phase.timer);
    this.#phase = { phase: 'stopped' };
    await this.#running.then(() => this.#publishOnce());
  }

  async #publishOnce(): Promise<LedgerCheckpoint | undefined> {
    const { source, witnesses } = this.#options;
    if (source.height <= this.#published) return undefined;
    try {
      const checkpoint = source.checkpoint();
      const open = witnesses.filter((w) => w.isOpen?.() !== false);
      for (const closed of witnesses.filter((w) => !open.includes(w)))
        this.#logger.debug(
          `the ${closed.witnessName} closed before the ledger; it keeps an earlier checkpoint than height ${checkpoint.height}`,
        );
      const outcomes = await Promise.allSettled(open.map((w) => w.recordCheckpoint(checkpoint)));
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'rejected')
          this.#logger.error(
            `the ${open[i]?.witnessName ?? 'witness'} did not keep the ledger's checkpoint at height ${checkpoint.height}: ${describe(outcome.reason)}`,
          );
      });
      this.#published = BigInt(checkpoint.height);
      this.#logger.debug(`published the ledger's checkpoint at height ${checkpoint.height}`);
      return checkpoint;
    } catch (error) {
      this.#logger.error(`could not sign the ledger's checkpoint: ${describe(error)}`);
      return undefined;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
