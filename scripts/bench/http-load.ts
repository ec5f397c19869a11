import { performance } from 'node:perf_hooks';

/** Options of {@link runHttpLoad}. */
export interface HttpLoadOptions {
  readonly url: string;
  /** The JSON body POSTed on every request. */
  readonly body: string;
  /** Headers besides `content-type`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Requests in flight at once; Node's fetch keeps one keep-alive connection per request in flight. */
  readonly connections: number;
  readonly durationMs: number;
  /** Deadline of one request; a request past it counts as failed. */
  readonly requestTimeoutMs?: number;
}

/** What one load window measured. */
export interface HttpLoadResult {
  /** Responses with status 200 and no `errors` member. */
  readonly ok: number;
  /** Every other outcome: another status, a GraphQL error, a transport failure, a timeout. */
  readonly failed: number;
  /** From the first request to the last response, in milliseconds. */
  readonly elapsedMs: number;
  /** Latencies of the successful requests, milliseconds, ascending. */
  readonly latenciesMs: Float64Array;
  /** What the first failure was (status and the start of the body, or the transport error), for the log. */
  readonly firstFailure: string | undefined;
}

/**
 * Closed-loop HTTP load: `connections` workers each POST the body, read the whole response and
 * POST again until `durationMs` has passed; requests in flight at the deadline are awaited and
 * counted. Only a 200 whose body carries no `errors` member counts as a success.
 */
export async function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const fail = (what: string): void => {
    failed++;
    firstFailure ??= what;
  };
  const started = performance.now();
  const end = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { ...options.headers, 'content-type': 'application/json' },
          body: options.body,
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
        });
        const text = await response.text();
        // Inside JSON strings quotes are escaped, so `"errors":` can only be a member name.
        if (response.status === 200 && !text.includes('"errors":'))
          latencies.push(performance.now() - t);
        else fail(`status ${response.status}: ${text.slice(0, 500)}`);
      } catch (error) {
        fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsedMs = performance.now() - started;
  return {
    ok: latencies.length,
    failed,
    elapsedMs,
    latenciesMs: Float64Array.from(latencies).sort(),
    firstFailure,
  };
}

/** The `p` quantile (0..1) of ascending samples, nearest rank; NaN when there are none. */
export function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN
  );
}
