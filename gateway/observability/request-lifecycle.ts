import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../schema/index.js';
import { sendJson } from '../http/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { secondsSince } from './instruments.js';
import { endOperationSpans } from './request-plugins.js';
import {
  REQUEST_ID_HEADER,
  requestIdFrom,
  runInRequest,
  type OperationRecord,
  type RequestScope,
} from './request-scope.js';

/** Paths that are answered also while the gateway drains, and are not counted as requests in flight. */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Whether the gateway takes new requests, or only finishes those it has. */
type Phase =
  | { readonly phase: 'serving' }
  | { readonly phase: 'draining'; readonly idle: Promise<void>; readonly wake: () => void };

/**
 * The gateway's HTTP requests as they come and go: each gets its id (from a sane `x-request-id`,
 * else a new one, returned in the answer's header) and its request scope, is counted in flight,
 * and is measured when its answer is written. At shutdown the lifecycle drains: new requests
 * are refused (503, `SHUTTING_DOWN`) while those in flight finish.
 */
export class RequestLifecycle {
  readonly #metrics: GatewayMetrics | undefined;
  readonly #logger: Logger;
  #inFlight = 0;
  #phase: Phase = { phase: 'serving' };

  constructor(metrics: GatewayMetrics | undefined, logger: Logger) {
    this.#metrics = metrics;
    this.#logger = logger;
  }

  /** Requests being served now (probes excluded). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** True once {@link drain} has begun: `/readyz` answers 503 from then on. */
  get draining(): boolean {
    return this.#phase.phase === 'draining';
  }

  /** A request listener that runs `handler` for each request in its scope. */
  observe(
    handler: (request: IncomingMessage, response: ServerResponse) => void,
  ): (request: IncomingMessage, response: ServerResponse) => void {
    return (request, response) => {
      const probe = PROBE_PATHS.has(pathOf(request.url));
      if (this.draining && !probe) return refuseWhileDraining(response);
      const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
      response.setHeader(REQUEST_ID_HEADER, requestId);
      runInRequest(requestId, (scope) => {
        if (!probe) this.#track(scope, response);
        handler(request, response);
      });
    };
  }

  /**
   * Stops taking requests and waits until those in flight are answered, or `graceMs` passes.
   * Resolves with the number still in flight (0 when all finished).
   */
  async drain(graceMs: number): Promise<number> {
    if (this.#phase.phase === 'serving') {
      let wake = (): void => undefined;
      const idle = new Promise<void>((resolve) => (wake = resolve));
      this.#phase = { phase: 'draining', idle, wake };
    }
    const phase = this.#phase;
    if (this.#inFlight === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([phase.idle, late]).finally(() => clearTimeout(timer));
    return this.#inFlight;
  }

  #track(scope: RequestScope, response: ServerResponse): void {
    this.#inFlight += 1;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.#inFlight -= 1;
      const seconds = secondsSince(scope.startedAt);
      this.#metrics?.requestEnded(scope.operations, seconds);
      endOperationSpans(scope.operations);
      if (scope.operations.length > 0)
        this.#logger.debug(
          `answered ${outcomesOf(scope.operations)} in ${(seconds * 1000).toFixed(1)} ms (HTTP ${response.statusCode})`,
        );
      if (this.#inFlight === 0 && this.#phase.phase === 'draining') this.#phase.wake();
    };
    response.once('finish', end);
    response.once('close', end);
  }
}

/** Each operation's outcome: OK or its first error's code. */
function outcomesOf(operations: readonly OperationRecord[]): string {
  return operations
    .map(({ result }) => {
      const code = result?.errors?.[0]?.extensions?.['code'];
      return result?.errors?.length ? (typeof code === 'string' ? code : 'ERROR') : 'OK';
    })
    .join(', ');
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0] ?? '/';
  return path;
}

/** A request that arrives while the gateway shuts down: 503, `SHUTTING_DOWN`, and the connection closes. */
function refuseWhileDraining(response: ServerResponse): void {
  response.setHeader('connection', 'close');
  sendJson(response, 503, {
    errors: [
      {
        message:
          'The gateway is shutting down and takes no new requests; retry on another instance.',
        extensions: { code: 'SHUTTING_DOWN' },
      },
    ],
  });
}
