import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, in
 * percent. Left to itself, V8 picks a factor of up to 4 when a process allocates fast: a gateway
 * holding about 120 MB of live objects (supergraph, caches, ledger state) grew its heap past
 * 400 MB under steady load before it collected, and kept that memory. At 25 % a full collection
 * comes sooner and the heap stays near its live size; its marking runs mostly beside the
 * requests, on another thread.
 */
export const SERVICE_HEAP_GROWING_PERCENT = 25;

/**
 * Tunes this process's garbage collector for a long-running gateway: call it once, early, in the
 * process that serves (`gridmark serve`, `npm start`, the soak). It changes a V8 flag for the
 * whole process, so libraries and tests that only embed a gateway do not call it.
 *
 * The young generation's size cannot be changed once a process runs; an operator who wants it
 * smaller starts Node with `NODE_OPTIONS=--max-semi-space-size=4` (see docs/configuration.md).
 */
export function tuneHeapForService(): void {
  setFlagsFromString(`--heap-growing-percent=${SERVICE_HEAP_GROWING_PERCENT}`);
}
