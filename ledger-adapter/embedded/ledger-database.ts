import Database from 'better-sqlite3';
import { prepareOwnerOnlyDatabase } from '../../schema/index.js';
import type { StateEntry, WorldStateReader } from '../contract-runtime.js';
import type { StoredBlock } from './block-codec.js';
import { packBlockData } from './block-compression.js';
import { BlockHeldValues } from './block-held-values.js';
import {
  BLOCK_COLUMNS,
  blockFromRow,
  headerColumns,
  signatureColumn,
  type BlockRow,
} from './block-row.js';
import { KeyFilter } from './key-filter.js';
import { ledgerBaseOf } from './ledger-base.js';
import { StateCache } from './state-cache.js';
import { keptInBlock, storedStateValue, unpackStateValue } from './stored-state-values.js';

/*
 * The SQLite file of an embedded ledger: the chain of blocks and the world state they produce.
 * A block and its state changes are written in one SQLite transaction (WAL, synchronous=FULL),
 * so after a crash the file holds every committed block and no part of an uncommitted one.
 * A block's data is stored compressed (block-compression.ts); blocks written before that hold
 * their text as it is, and both read back as the text their hashes cover. A state value is stored
 * packed, or not at all when its block holds it (stored-state-values.ts); values stored before
 * are as they were, and all read back as the contract wrote them.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blocks (
  number INTEGER PRIMARY KEY,
  previous_hash TEXT NOT NULL,
  data_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  data TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
  key BLOB PRIMARY KEY,
  value BLOB NOT NULL,
  block INTEGER NOT NULL,
  tx INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS block_dictionaries (
  id INTEGER PRIMARY KEY,
  bytes BLOB NOT NULL
);
`;

/** The statements that append a block and apply its state changes, on any connection that writes the file. */
export const APPEND_STATEMENTS = {
  insertBlock:
    'INSERT INTO blocks (number, previous_hash, data_hash, hash, timestamp, data, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
  putState:
    'INSERT INTO state (key, value, block, tx) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, block = excluded.block, tx = excluded.tx',
  deleteState: 'DELETE FROM state WHERE key = ?',
  latestDictionary: 'SELECT id, bytes FROM block_dictionaries ORDER BY id DESC LIMIT 1',
} as const;

/** One state change of a block, at its version. */
export interface StateWrite {
  readonly key: string;
  readonly value: Uint8Array | null;
  readonly txNumber: number;
}

interface StateRow {
  key: Buffer;
  value: Buffer;
  block: number;
  tx: number;
}

/** A state entry as the table holds it: its value undefined when its block holds it. */
export interface StoredStateEntry {
  readonly key: string;
  readonly value: Uint8Array | undefined;
  readonly version: StateEntry['version'];
}

/**
 * What the state cache holds by default: the records the contract reads again and again (fields,
 * rules, catalog entries, shared resolution bodies, anchors being replaced) fit many times over,
 * while records written once (trades, resolutions) pass through without piling up. In the heap an
 * entry weighs about 1.3 times its estimate, so 32 MB held about 40 MB, a third of a soaked
 * gateway's live heap; at 16 MB the soaked gateway stays under 300 MB of resident memory, while
 * the ledger re-anchors 10-30 % fewer commitments per CPU-second than at 32 MB
 * (`npm run bench -- ledger-anchoring`); first anchors are not affected.
 */
const DEFAULT_STATE_CACHE_BYTES = 16 * 1024 * 1024;

/** The ledger's SQLite file. Keys are stored as UTF-8 bytes so they sort as Fabric's do. */
export class LedgerDatabase {
  readonly #db: Database.Database;
  readonly #getState: Database.Statement<[Buffer], StateRow>;
  readonly #rangeState: Database.Statement<[Buffer, Buffer], StateRow>;
  readonly #putState: Database.Statement<[Buffer, Uint8Array, number, number]>;
  readonly #deleteState: Database.Statement<[Buffer]>;
  readonly #insertBlock: Database.Statement<
    [
      number,
      Buffer | string,
      Buffer | string,
      Buffer | string,
      Buffer | string,
      Buffer,
      Buffer | string,
    ]
  >;
  readonly #dictionaries = new Map<number, Uint8Array>();
  readonly #getBlock: Database.Statement<[number], BlockRow>;
  readonly #blocksFrom: Database.Statement<[number, number], BlockRow>;
  readonly #height: Database.Statement<[], { height: number }>;
  readonly #append: (block: StoredBlock, writes: readonly StateWrite[]) => void;
  // Recently read or written state (null: known absent), bounded by bytes. Every write passes
  // through append() or committed(), so the cache stays exact as long as this process is the
  // file's only writer.
  readonly #cache: StateCache | undefined;
  // Keys present in the state table (a superset): a key it has never seen needs no lookup.
  #filter: KeyFilter | undefined;
  readonly #held = new BlockHeldValues((number) => this.block(number));

  /**
   * Opens (and, unless `readonly`, creates) the file. `stateCacheBytes` bounds the state cache
   * (default 32 MB; 0 turns it off, as does `readonly`).
   */
  constructor(
    path: string,
    options: { readonly readonly?: boolean; readonly stateCacheBytes?: number } = {},
  ) {
    const cacheBytes = options.readonly
      ? 0
      : (options.stateCacheBytes ?? DEFAULT_STATE_CACHE_BYTES);
    this.#cache = cacheBytes > 0 ? new StateCache(cacheBytes) : undefined;
    // The chain and world state are the books: readable by their owner only, WAL and SHM files included.
    if (!options.readonly) prepareOwnerOnlyDatabase(path);
    this.#db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    if (!options.readonly) {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = FULL');
      this.#db.exec(SCHEMA);
    }
    this.#getState = this.#db.prepare('SELECT key, value, block, tx FROM state WHERE key = ?');
    this.#rangeState = this.#db.prepare(
      'SELECT key, value, block, tx FROM state WHERE key >= ? AND key < ? ORDER BY key',
    );
    this.#putState = this.#db.prepare(APPEND_STATEMENTS.putState);
    this.#deleteState = this.#db.prepare(APPEND_STATEMENTS.deleteState);
    this.#insertBlock = this.#db.prepare(APPEND_STATEMENTS.insertBlock);
    this.#getBlock = this.#db.prepare(`SELECT ${BLOCK_COLUMNS} WHERE b.number = ?`);
    this.#blocksFrom = this.#db.prepare(
      `SELECT ${BLOCK_COLUMNS} WHERE b.number >= ? ORDER BY b.number LIMIT ?`,
    );
    this.#height = this.#db.prepare('SELECT COALESCE(MAX(number) + 1, 0) AS height FROM blocks');
    if (this.#cache) this.#filter = this.#buildFilter();
    this.#append = this.#db.transaction((block: StoredBlock, writes: readonly StateWrite[]) => {
      this.#insertBlock.run(
        block.number,
        ...headerColumns(block),
        packBlockData(block.data),
        signatureColumn(block),
      );
      for (const write of writes) {
        const key = Buffer.from(write.key, 'utf8');
        if (write.value === null) this.#deleteState.run(key);
        else
          this.#putState.run(
            key,
            storedStateValue(write.key, write.value, block.data.length),
            block.number,
            write.txNumber,
          );
      }
    });
  }

  /** The number of blocks (the next block's number). */
  height(): number {
    return this.#height.get()?.height ?? 0;
  }

  /** Appends a block and applies its state changes, all or nothing. */
  append(block: StoredBlock, writes: readonly StateWrite[]): void {
    try {
      this.#append(block, writes);
    } catch (error) {
      this.#cache?.clear();
      throw error;
    }
    this.committed(block.number, writes);
  }

  /** Records in the state cache the changes of a block another connection committed. */
  committed(blockNumber: number, writes: readonly StateWrite[]): void {
    const cache = this.#cache;
    if (!cache) return;
    const block = BigInt(blockNumber);
    for (const write of writes) {
      if (write.value !== null) this.#filter?.add(write.key);
      cache.set(
        write.key,
        write.value === null
          ? null
          : { value: write.value, version: { blockNumber: block, txNumber: write.txNumber } },
      );
    }
    if (this.#filter?.full) this.#filter = this.#buildFilter();
  }

  #buildFilter(): KeyFilter {
    const count =
      this.#db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM state').get()?.n ?? 0;
    const filter = new KeyFilter(Math.max(1 << 20, count * 2));
    for (const row of this.#db.prepare<[], { key: Buffer }>('SELECT key FROM state').iterate())
      filter.add(row.key.toString('utf8'));
    return filter;
  }

  /** Forgets the state cache (after a failed commit). */
  forgetCache(): void {
    this.#cache?.clear();
    this.#held.clear();
    if (this.#filter) this.#filter = this.#buildFilter();
  }

  block(number: number): StoredBlock | undefined {
    const row = this.#getBlock.get(number);
    return row === undefined ? undefined : blockFromRow(row, this.#dictionaryOf, this.#baseHash);
  }

  /** Up to `limit` blocks from `from` on, in order. */
  blocks(from: number, limit: number): StoredBlock[] {
    return this.#blocksFrom
      .all(from, limit)
      .map((row) => blockFromRow(row, this.#dictionaryOf, this.#baseHash));
  }

  // What the first block after a pruned range links to: the archive's head, as the file records it.
  readonly #baseHash = (): string | undefined => ledgerBaseOf(this.#db)?.headHash;

  // Dictionaries never change once written: each is read once.
  readonly #dictionaryOf = (id: number): Uint8Array | undefined => {
    let bytes = this.#dictionaries.get(id);
    if (bytes === undefined && this.#hasDictionaries()) {
      bytes = this.#db
        .prepare<[number], { bytes: Buffer }>('SELECT bytes FROM block_dictionaries WHERE id = ?')
        .get(id)?.bytes;
      if (bytes !== undefined) this.#dictionaries.set(id, bytes);
    }
    return bytes;
  };

  // A file written before blocks were compressed, opened read-only, has no dictionary table.
  #hasDictionaries(): boolean {
    return (
      this.#db
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'block_dictionaries'",
        )
        .get()?.n === 1
    );
  }

  /** A row's entry, its value unpacked or read from its block. */
  #entry(row: StateRow): StateEntry {
    const key = row.key.toString('utf8');
    return {
      value: keptInBlock(row.value)
        ? this.#held.valueOf(key, row.block, row.tx)
        : unpackStateValue(
            new Uint8Array(row.value.buffer, row.value.byteOffset, row.value.byteLength),
          ),
      version: versionOf(row),
    };
  }

  getState(key: string): StateEntry | undefined {
    const cached = this.#cache?.get(key);
    if (cached !== undefined) return cached ?? undefined;
    if (this.#filter && !this.#filter.mightContain(key)) return undefined;
    const row = this.#getState.get(Buffer.from(key, 'utf8'));
    const entry = row === undefined ? undefined : this.#entry(row);
    this.#cache?.set(key, entry ?? null);
    return entry;
  }

  /** Committed entries with `startKey <= key < endKey` in byte order. */
  rangeState(startKey: string, endKey: string): ({ key: string } & StateEntry)[] {
    return this.#rangeState
      .all(Buffer.from(startKey, 'utf8'), Buffer.from(endKey, 'utf8'))
      .map((row) => ({ key: row.key.toString('utf8'), ...this.#entry(row) }));
  }

  /** Every state entry in key order. */
  *allState(): IterableIterator<{ key: string } & StateEntry> {
    for (const entry of this.storedState()) {
      const { key, version } = entry;
      yield {
        key,
        value:
          entry.value ?? this.#held.valueOf(key, Number(version.blockNumber), version.txNumber),
        version,
      };
    }
  }

  /**
   * Every state entry in key order as the table holds it, a value its block holds left unread
   * (for verification, which replays the blocks and so has those values already).
   */
  *storedState(): IterableIterator<StoredStateEntry> {
    for (const row of this.#db
      .prepare<[], StateRow>('SELECT key, value, block, tx FROM state ORDER BY key')
      .iterate())
      yield {
        key: row.key.toString('utf8'),
        value: keptInBlock(row.value) ? undefined : unpackStateValue(row.value),
        version: versionOf(row),
      };
  }

  /**
   * Stores in the state table the values that blocks before `height` hold, before those blocks
   * are pruned; returns how many. Each batch of values is one SQLite transaction: a value stored
   * either way reads the same.
   */
  storeValuesOfBlocksBefore(height: number): number {
    const held = this.#db.prepare<[number, Buffer], { key: Buffer; block: number; tx: number }>(
      `SELECT key, block, tx FROM state WHERE block < ? AND key > ? AND value = x'00' ORDER BY key LIMIT 1000`,
    );
    const store = this.#db.prepare<[Uint8Array, Buffer]>(
      'UPDATE state SET value = ? WHERE key = ?',
    );
    let stored = 0;
    let after: Buffer = Buffer.alloc(0);
    for (;;) {
      const rows = held.all(height, after);
      if (rows.length === 0) return stored;
      const values = rows.map((row) => {
        const key = row.key.toString('utf8');
        // Stored packed whatever the block's size: the block it would be read from is going.
        return storedStateValue(key, this.#held.valueOf(key, row.block, row.tx), Infinity);
      });
      this.#db.transaction(() =>
        rows.forEach((row, i) => store.run(values[i] as Uint8Array, row.key)),
      )();
      stored += rows.length;
      after = (rows.at(-1) as { key: Buffer }).key;
    }
  }

  /** A world state reader over the committed state. */
  reader(): WorldStateReader {
    return {
      get: (key) => Promise.resolve(this.getState(key)),
      range: (startKey, endKey) => toAsync(this.rangeState(startKey, endKey)),
    };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function versionOf(row: StateRow): StateEntry['version'] {
  return { blockNumber: BigInt(row.block), txNumber: row.tx };
}

async function* toAsync<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield await Promise.resolve(item);
}
