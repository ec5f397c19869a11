import type { LedgerEvent } from '../ledger-client.js';
import { blockEvents } from './block-codec.js';
import type { LedgerDatabase } from './ledger-database.js';

/** Extracts the chaincode events of a block, in transaction order. */
export function eventsOfBlock(number: number, data: string): LedgerEvent[] {
  const blockNumber = BigInt(number);
  return blockEvents(data).map((event) => ({
    name: event.name,
    payload: event.payload,
    txId: event.txId,
    blockNumber,
  }));
}

interface Subscriber {
  readonly queue: LedgerEvent[];
  wake: (() => void) | undefined;
}

/**
 * Delivers events: those of committed blocks from a start block, read back from the file, then
 * live ones as blocks commit. A subscriber registers before it reads history, so no block falls
 * between the two; blocks already read are skipped in the live part.
 */
export class EventFeed {
  readonly #database: LedgerDatabase;
  readonly #subscribers = new Set<Subscriber>();
  #closed = false;

  constructor(database: LedgerDatabase) {
    this.#database = database;
  }

  /** Hands the events of a newly committed block to every subscriber. */
  publish(events: readonly LedgerEvent[]): void {
    if (events.length === 0) return;
    for (const subscriber of this.#subscribers) {
      subscriber.queue.push(...events);
      subscriber.wake?.();
    }
  }

  /** Ends every subscription. */
  close(): void {
    this.#closed = true;
    for (const subscriber of this.#subscribers) subscriber.wake?.();
  }

  async *events(
    startBlock: bigint | undefined,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<LedgerEvent> {
    if (this.#closed || signal?.aborted) return;
    const subscriber: Subscriber = { queue: [], wake: undefined };
    this.#subscribers.add(subscriber);
    const onAbort = (): void => subscriber.wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      let next = startBlock === undefined ? this.#database.height() : Number(startBlock);
      for (;;) {
        const blocks = this.#database.blocks(next, 64);
        if (blocks.length === 0) break;
        for (const block of blocks) {
          for (const event of eventsOfBlock(block.number, block.data)) {
            yield event;
            if (signal?.aborted || this.#closed) return;
          }
          next = block.number + 1;
        }
      }
      for (;;) {
        while (subscriber.queue.length > 0) {
          const event = subscriber.queue.shift() as LedgerEvent;
          if (event.blockNumber < BigInt(next)) continue;
          yield event;
          if (signal?.aborted || this.#closed) return;
        }
        if (signal?.aborted || this.#closed) return;
        await new Promise<void>((resolve) => {
          subscriber.wake = resolve;
        });
        subscriber.wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#subscribers.delete(subscriber);
    }
  }
}
