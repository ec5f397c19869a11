import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GridmarkError, type Logger } from '../schema/index.js';

/** Options of a {@link SystemDataSource}. */
export interface SystemDataSourceOptions {
  /** The business system's name, as composed into the supergraph. */
  readonly name: string;
  readonly url: string;
  /** Deadline of one subgraph request. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** How to reach the subgraph; defaults to Node's fetch (keep-alive). Tests route in-process. */
  readonly fetcher?: Fetcher;
}

/**
 * Apollo Gateway's data source for one business system. It gives every subgraph request a
 * deadline and turns transport failures into `SYSTEM_UNAVAILABLE` naming the system, so that the
 * rest of the response still arrives and no URL, stack or socket error reaches the client.
 */
export class SystemDataSource extends RemoteGraphQLDataSource {
  readonly #name: string;
  readonly #logger: Logger;

  constructor(options: SystemDataSourceOptions) {
    super({ url: options.url, fetcher: options.fetcher ?? timedFetch(options.timeoutMs) });
    this.#name = options.name;
    this.#logger = options.logger;
  }

  override didEncounterError(error: Error): void {
    this.#logger.warn(`business system "${this.#name}" failed: ${error.message}`);
    throw new GridmarkError('SYSTEM_UNAVAILABLE', `Business system "${this.#name}" is unavailable; its fields are null.`, {
      details: { system: this.#name },
      cause: error,
    }).toGraphQLError();
  }
}

/** Node's fetch with a per-request deadline. */
function timedFetch(timeoutMs: number): Fetcher {
  return (url: string, init?: RequestInit) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
