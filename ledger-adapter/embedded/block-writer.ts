import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { StoredBlock } from './block-codec.js';
import Database from 'better-sqlite3';
import {
  BLOCK_COMPRESSION,
  BROTLI_CODEC,
  DICTIONARY_CODEC,
  DictionaryTrainer,
} from './block-compression.js';
import { headerColumns, signatureColumn } from './block-row.js';
import { APPEND_STATEMENTS, type StateWrite } from './ledger-database.js';
import { storedStateValue } from './stored-state-values.js';

/*
 * Writes blocks on a worker thread with its own SQLite connection, so that the next block is
 * executed while the last one is written and fsynced. The worker commits blocks strictly in
 * order, each with its state changes in one SQLite transaction; after a failure it refuses every
 * later block until reset, because those were built on the failed block's state.
 *
 * The worker also compresses each block's data (as block-compression.ts's packBlockData does, with
 * the parameters it hands over), so that compression costs the main thread nothing, and stores
 * the compression dictionaries the main thread's trainer proposes, each with the first block
 * compressed with it.
 *
 * The worker's source is plain CommonJS evaluated from a string: it needs no TypeScript loader,
 * whatever runs the main thread (tsx, vitest, compiled output).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const zlib = require('node:zlib');
const { compression, codecs } = workerData;
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('cache_size = -' + workerData.pageCacheKib);
const insertBlock = db.prepare(workerData.statements.insertBlock);
const putState = db.prepare(workerData.statements.putState);
const deleteState = db.prepare(workerData.statements.deleteState);
const insertDictionary = db.prepare('INSERT INTO block_dictionaries (id, bytes) VALUES (?, ?)');
const latestDictionary = db.prepare(workerData.statements.latestDictionary);
const packed = (codec, head, body) => {
  const out = Buffer.allocUnsafe(body.length + head);
  out[0] = codec;
  body.copy(out, head);
  return out;
};
const pack = (text, dictionary) => {
  const raw = Buffer.from(text, 'utf8');
  if (dictionary && raw.length <= compression.smallBlockBytes) {
    const out = packed(codecs.dictionary, 5, zlib.deflateRawSync(raw, { level: compression.level, dictionary: dictionary.bytes }));
    out.writeUInt32BE(dictionary.id, 1);
    return out;
  }
  return packed(codecs.brotli, 1, zlib.brotliCompressSync(raw, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: compression.quality,
    [zlib.constants.BROTLI_PARAM_LGWIN]: compression.window,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
  } }));
};
let dictionary = latestDictionary.get();
const append = db.transaction((block, data, proposed, bytes, index) => {
  if (proposed) insertDictionary.run(proposed.id, proposed.bytes);
  insertBlock.run(block.number, ...block.header, data, block.signature);
  const all = Buffer.from(bytes);
  for (let i = 0; i < index.length; i += 5) {
    const key = all.subarray(index[i], index[i + 1]);
    if (index[i + 2] < 0) deleteState.run(key);
    else putState.run(key, all.subarray(index[i + 2], index[i + 3]), block.number, index[i + 4]);
  }
});
let failed = false;
parentPort.on('message', (message) => {
  if (message.type === 'reset') { failed = false; dictionary = latestDictionary.get(); return; }
  if (message.type === 'close') { db.close(); parentPort.close(); return; }
  if (failed) { parentPort.postMessage({ number: message.block.number, error: 'an earlier block failed to commit' }); return; }
  try {
    // A proposed dictionary is stored with the first block compressed with it; ids count up from the latest.
    const proposed = message.dictionary ? { id: (dictionary ? dictionary.id : 0) + 1, bytes: Buffer.from(message.dictionary) } : undefined;
    // Compressed before the SQLite transaction opens, so the write lock is held only to write.
    append(message.block, pack(message.block.text, proposed || dictionary), proposed, message.bytes, message.index);
    if (proposed) dictionary = proposed;
    parentPort.postMessage({ number: message.block.number });
  } catch (error) {
    failed = true;
    parentPort.postMessage({ number: message.block.number, error: String((error && error.message) || error) });
  }
});
`;

/**
 * The block writer's SQLite page cache, KiB. An append touches the chain's last pages and the
 * state index's pages of the keys it writes; 16 MB kept those, and anchoring ran as fast with it
 * as with 64 MB (`npm run bench -- ledger-anchoring`), while a larger cache only fills up and stays
 * resident in a gateway that writes for long. 8 MB keeps the soaked gateway's resident memory
 * under 300 MB (the README's Performance section).
 */
const PAGE_CACHE_KIB = 8 * 1024;

/** Appends blocks to the ledger file off the main thread, in order. */
export class BlockWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #failure: Error | undefined;

  readonly #trainer: DictionaryTrainer;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#trainer = new DictionaryTrainer({ hasDictionary: hasStoredDictionary(path) });
    const codecs = { brotli: BROTLI_CODEC, dictionary: DICTIONARY_CODEC };
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path,
        driver,
        statements: APPEND_STATEMENTS,
        compression: BLOCK_COMPRESSION,
        codecs,
        pageCacheKib: PAGE_CACHE_KIB,
      },
    });
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
    this.#worker.on('exit', (code) =>
      this.#failAll(new Error(`the block writer stopped (exit code ${code})`)),
    );
  }

  /** Resolves once the block and its state changes are committed (durably). */
  append(block: StoredBlock, writes: readonly StateWrite[]): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const keys = writes.map((w) => Buffer.from(w.key, 'utf8'));
    // Each value in the form the state table keeps it (stored-state-values.ts).
    const values = writes.map((w) =>
      w.value === null ? null : storedStateValue(w.key, w.value, block.data.length),
    );
    let size = 0;
    for (const [i, key] of keys.entries()) size += key.length + (values[i]?.length ?? 0);
    // Keys and values packed into one buffer that moves to the worker without a copy.
    const bytes = Buffer.allocUnsafeSlow(size);
    const index = new Int32Array(writes.length * 5);
    let at = 0;
    for (const [i, write] of writes.entries()) {
      const key = keys[i] as Buffer;
      const value = values[i] ?? null;
      index[i * 5] = at;
      at += key.copy(bytes, at);
      index[i * 5 + 1] = at;
      if (value === null) {
        index[i * 5 + 2] = -1;
        index[i * 5 + 3] = -1;
      } else {
        index[i * 5 + 2] = at;
        bytes.set(value, at);
        at += value.length;
        index[i * 5 + 3] = at;
      }
      index[i * 5 + 4] = write.txNumber;
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(block.number, { resolve, reject });
      this.#worker.ref();
      const arrayBuffer = bytes.buffer;
      const row = {
        number: block.number,
        header: headerColumns(block),
        text: block.data,
        signature: signatureColumn(block),
      };
      this.#worker.postMessage(
        {
          type: 'append',
          block: row,
          dictionary: this.#trainer.observe(block.data),
          bytes: arrayBuffer,
          index,
        },
        [arrayBuffer, index.buffer],
      );
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

/** True when the ledger file holds a compression dictionary already. */
function hasStoredDictionary(path: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'block_dictionaries'",
        )
        .get()?.n === 1 &&
      db.prepare('SELECT 1 FROM block_dictionaries LIMIT 1').get() !== undefined
    );
  } finally {
    db.close();
  }
}
