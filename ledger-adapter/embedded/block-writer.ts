import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { StoredBlock } from './block-codec.js';
import { APPEND_STATEMENTS, type StateWrite } from './ledger-database.js';

/*
 * Writes blocks on a worker thread with its own SQLite connection, so that the next block is
 * executed while the last one is written and fsynced. The worker commits blocks strictly in
 * order, each with its state changes in one SQLite transaction; after a failure it refuses every
 * later block until reset, because those were built on the failed block's state.
 *
 * The worker's source is plain CommonJS evaluated from a string: it needs no TypeScript loader,
 * whatever runs the main thread (tsx, vitest, compiled output).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('cache_size = -65536');
const insertBlock = db.prepare(workerData.statements.insertBlock);
const putState = db.prepare(workerData.statements.putState);
const deleteState = db.prepare(workerData.statements.deleteState);
const append = db.transaction((block, bytes, index) => {
  insertBlock.run(block.number, block.previousHash, block.dataHash, block.hash, block.timestamp, block.data, block.signature);
  const all = Buffer.from(bytes);
  for (let i = 0; i < index.length; i += 5) {
    const key = all.subarray(index[i], index[i + 1]);
    if (index[i + 2] < 0) deleteState.run(key);
    else putState.run(key, all.subarray(index[i + 2], index[i + 3]), block.number, index[i + 4]);
  }
});
let failed = false;
parentPort.on('message', (message) => {
  if (message.type === 'reset') { failed = false; return; }
  if (message.type === 'close') { db.close(); parentPort.close(); return; }
  if (failed) { parentPort.postMessage({ number: message.block.number, error: 'an earlier block failed to commit' }); return; }
  try {
    append(message.block, message.bytes, message.index);
    parentPort.postMessage({ number: message.block.number });
  } catch (error) {
    failed = true;
    parentPort.postMessage({ number: message.block.number, error: String((error && error.message) || error) });
  }
});
`;

/** Appends blocks to the ledger file off the main thread, in order. */
export class BlockWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #failure: Error | undefined;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, statements: APPEND_STATEMENTS } });
    // The worker keeps the process alive only while a block is being written, so a program that
    // forgets close() still exits, and one that awaits a commit does not exit before it.
    this.#worker.unref();
    this.#worker.on('message', (reply: { number: number; error?: string }) => {
      const waiter = this.#waiting.get(reply.number);
      this.#waiting.delete(reply.number);
      if (this.#waiting.size === 0) this.#worker.unref();
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(reply.error));
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`the block writer stopped (exit code ${code})`)));
  }

  /** Resolves once the block and its state changes are committed (durably). */
  append(block: StoredBlock, writes: readonly StateWrite[]): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const keys = writes.map((w) => Buffer.from(w.key, 'utf8'));
    let size = 0;
    for (const [i, write] of writes.entries()) size += (keys[i] as Buffer).length + (write.value?.length ?? 0);
    // Keys and values packed into one buffer that moves to the worker without a copy.
    const bytes = Buffer.allocUnsafeSlow(size);
    const index = new Int32Array(writes.length * 5);
    let at = 0;
    for (const [i, write] of writes.entries()) {
      const key = keys[i] as Buffer;
      index[i * 5] = at;
      at += key.copy(bytes, at);
      index[i * 5 + 1] = at;
      if (write.value === null) {
        index[i * 5 + 2] = -1;
        index[i * 5 + 3] = -1;
      } else {
        index[i * 5 + 2] = at;
        bytes.set(write.value, at);
        at += write.value.length;
        index[i * 5 + 3] = at;
      }
      index[i * 5 + 4] = write.txNumber;
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(block.number, { resolve, reject });
      this.#worker.ref();
      const arrayBuffer = bytes.buffer;
      this.#worker.postMessage({ type: 'append', block, bytes: arrayBuffer, index }, [arrayBuffer, index.buffer]);
    });
  }

  /** Lets the writer take blocks again after a failure. */
  reset(): void {
    this.#worker.postMessage({ type: 'reset' });
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.ref();
    this.#worker.postMessage({ type: 'close' });
    await exited;
  }

  #failAll(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}
