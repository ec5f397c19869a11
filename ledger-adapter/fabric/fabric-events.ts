import {
  checkpointers,
  type ChaincodeEvent,
  type Checkpointer,
  type Network,
} from '@hyperledger/fabric-gateway';
import type { LedgerEvent } from '../ledger-client.js';
import { translateFabricError } from './fabric-errors.js';

/** Where the event stream keeps its position: a file (survives restarts) or nowhere. */
export type EventCheckpoint =
  { readonly kind: 'file'; readonly path: string } | { readonly kind: 'none' };

/** Follows the chaincode's events. */
export interface FabricEventSource {
  events(options: {
    readonly startBlock?: bigint;
    readonly signal?: AbortSignal;
  }): AsyncIterable<LedgerEvent>;
  /** Ends every open stream. */
  close(): void;
}

/**
 * Creates the chaincode event source of the Fabric client. With a checkpoint file, each event is
 * checkpointed once the consumer asks for the next one (at-least-once: an event being handled
 * when the process stops is delivered again), and a new stream starts at the later of
 * `startBlock` and the checkpoint, after the last checkpointed transaction; without one, a
 * stream starts at `startBlock`, or with the next block committed when none is given.
 */
export function createFabricEventSource(
  network: Network,
  chaincodeName: string,
  checkpoint: EventCheckpoint,
): FabricEventSource {
  let fileCheckpointer: Promise<Checkpointer> | undefined;
  const open = new Set<{ close(): void }>();

  const checkpointerFor = (): Promise<Checkpointer> => {
    if (checkpoint.kind === 'none') return Promise.resolve(checkpointers.inMemory());
    fileCheckpointer ??= checkpointers.file(checkpoint.path);
    return fileCheckpointer;
  };

  return {
    async *events({ startBlock, signal }) {
      const aborted = (): boolean => signal?.aborted === true;
      if (aborted()) return;
      let checkpointer: Checkpointer;
      let stream: AsyncIterable<ChaincodeEvent> & { close(): void };
      try {
        checkpointer = await checkpointerFor();
        const saved = checkpointer.getBlockNumber();
        const resume = saved !== undefined && (startBlock === undefined || saved >= startBlock);
        stream = await network.getChaincodeEvents(
          chaincodeName,
          resume ? { checkpoint: checkpointer } : startBlock === undefined ? {} : { startBlock },
        );
      } catch (error) {
        throw translateFabricError(error, 'events');
      }
      const closeStream = (): void => stream.close();
      open.add(stream);
      signal?.addEventListener('abort', closeStream, { once: true });
      // The signal may have aborted while the stream was being opened.
      if (aborted()) closeStream();
      try {
        for await (const event of stream) {
          yield {
            name: event.eventName,
            payload: event.payload,
            txId: event.transactionId,
            blockNumber: event.blockNumber,
          };
          await checkpointer.checkpointChaincodeEvent(event);
        }
      } catch (error) {
        if (aborted() || !open.has(stream)) return;
        throw translateFabricError(error, 'events');
      } finally {
        signal?.removeEventListener('abort', closeStream);
        open.delete(stream);
        stream.close();
      }
    },
    close() {
      const streams = [...open];
      open.clear();
      for (const stream of streams) stream.close();
    },
  };
}
