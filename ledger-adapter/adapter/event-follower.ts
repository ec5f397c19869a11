import type { LedgerClient } from '../ledger-client.js';
import type { Logger } from '../../schema/index.js';
import { staleKeysOf } from './cache-keys.js';
import type { ReadCache } from './read-cache.js';

type Phase =
  | { readonly phase: 'following'; readonly since: bigint | undefined }
  | { readonly phase: 'retrying'; readonly attempt: number }
  | { readonly phase: 'stopped' };

const decoder = new TextDecoder();
const STOPPED = Symbol('stopped');

/**
 * Follows the ledger's events and makes the cache forget what each one changed. If the stream
 * fails, the cache is switched off (and emptied) and the stream is resumed after the last block
 * seen, with back-off; the cache comes back once the stream does.
 */
export class EventFollower {
  readonly #client: LedgerClient;
  readonly #cache: ReadCache;
  readonly #logger: Logger;
  readonly #controller = new AbortController();
  #phase: Phase = { phase: 'following', since: undefined };
  #lastBlock: bigint | undefined;
  #running: Promise<void> | undefined;

  constructor(client: LedgerClient, cache: ReadCache, logger: Logger) {
    this.#client = client;
    this.#cache = cache;
    this.#logger = logger;
  }

  /** Starts following; the cache is on once the stream is open. */
  async start(): Promise<void> {
    this.#running = this.#run();
    await Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#phase = { phase: 'stopped' };
    this.#controller.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (this.#phase.phase !== 'stopped') {
      const startBlock = this.#lastBlock === undefined ? undefined : this.#lastBlock + 1n;
      this.#phase = { phase: 'following', since: startBlock };
      try {
        const events = this.#client.events({
          ...(startBlock === undefined ? {} : { startBlock }),
          signal: this.#controller.signal,
        });
        const iterator = events[Symbol.asyncIterator]();
        await this.#cache.setEnabled(true);
        for (;;) {
          // A client that ignores the abort signal must not keep stop() waiting.
          const next = await nextOrStopped(iterator, this.#controller.signal);
          if (next === STOPPED) {
            void iterator.return?.().catch(() => undefined);
            break;
          }
          if (next.done) break;
          const event = next.value;
          attempt = 0;
          let payload: unknown;
          try {
            payload = JSON.parse(decoder.decode(event.payload));
          } catch {
            payload = undefined;
          }
          await this.#cache.invalidate(staleKeysOf(event.name, payload));
          this.#lastBlock = event.blockNumber;
        }
        if (this.#controller.signal.aborted) break;
        throw new Error('the event stream ended');
      } catch (error) {
        if (this.#controller.signal.aborted) break;
        await this.#cache.setEnabled(false);
        attempt += 1;
        this.#phase = { phase: 'retrying', attempt };
        const delay = Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
        this.#logger.warn(
          `ledger events interrupted (${error instanceof Error ? error.message : String(error)}); cache off, retrying in ${delay} ms`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#controller.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
      }
    }
    await this.#cache.setEnabled(false);
  }
}

/**
 * The iterator's next result, or {@link STOPPED} once `signal` aborts, whichever comes first.
 * Each call listens to the signal only until it settles: racing every event against one promise
 * that settles at stop would leave a reaction on it per event, holding that event's result, for
 * as long as the follower runs (about a kilobyte per ledger transaction).
 */
function nextOrStopped<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T> | typeof STOPPED> {
  if (signal.aborted) return Promise.resolve(STOPPED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(STOPPED);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
