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
 * What a gateway's process is started with, where gridmark starts it (`npm start`, the soak):
 * a young generation of 4 MB semi-spaces instead of up to 16 MB (which V8 fixes at start), and
 * glibc's allocator kept to two arenas instead of up to eight per core, which the worker threads
 * and SQLite otherwise spread over. Together they took about 60 MB off a soaked gateway's
 * resident memory (the README's Performance section). glibc's mmap threshold is fixed at 128 KiB:
 * left to itself glibc raises it after large buffers are freed (a large block's compression
 * buffers, say), and later ones are then carved from the arenas and stay resident; fixed, every
 * large buffer is mapped on its own and returned when freed. An operator starting `gridmark serve`
 * sets the same with `NODE_OPTIONS=--max-semi-space-size=4 MALLOC_ARENA_MAX=2
 * MALLOC_MMAP_THRESHOLD_=131072`.
 */
export const SERVICE_NODE_ARGUMENTS: readonly string[] = ['--max-semi-space-size=4'];
export const SERVICE_PROCESS_ENVIRONMENT: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/**
 * Tunes this process's garbage collector for a long-running gateway: call it once, early, in the
 * process that serves (`gridmark serve`, `npm start`, the soak). It changes a V8 flag for the
 * whole process, so libraries and tests that only embed a gateway do not call it. What can only
 * be set when a process starts is in {@link SERVICE_NODE_ARGUMENTS} and
 * {@link SERVICE_PROCESS_ENVIRONMENT}.
 */
export function tuneHeapForService(): void {
  setFlagsFromString(`--heap-growing-percent=${SERVICE_HEAP_GROWING_PERCENT}`);
}
