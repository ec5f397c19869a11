import { randomBytes } from 'node:crypto';
import type {
  ContractRunner,
  TransactionCreator,
  TransactionInput,
  TransactionOutcome,
} from '../contract-runtime.js';
import type { LedgerClient, LedgerEvent, SubmitResult } from '../ledger-client.js';
import { compareKeys, createContractRunner } from '../runtime/index.js';
import { GridmarkError, silentLogger, type Logger } from '../../schema/index.js';
import { signCheckpoint, type LedgerCheckpoint } from '../checkpoints/index.js';
import {
  decodeBlockData,
  encodeBlockData,
  GENESIS_PREVIOUS_HASH,
  headerHash,
  sha256,
  storeTransaction,
  type StoredBlock,
} from './block-codec.js';
import { contractRefusal, ledgerUnavailable } from './embedded-errors.js';
import { EventFeed } from './event-feed.js';
import { BlockWriter } from './block-writer.js';
import { lockLedgerFile } from './file-lock.js';
import { LedgerDatabase, type StateWrite } from './ledger-database.js';
import { loadNodeKey, locateNodeKey, type NodeKey } from './node-key.js';
import { PendingState, type StateSource } from './pending-state.js';

/** Options of {@link createEmbeddedLedger}: one readonly object. */
export interface EmbeddedLedgerOptions {
  /** The SQLite file; created with its node key (mode 0600) when absent. */
  readonly path: string;
  /**
   * The node key's file. Default: `keys/<file>.node-key.pem` in the database's directory, or, for
   * a ledger created before that, `<path>.node-key.pem` if that is where its key is (used there,
   * with a warning). The key must be the one block 0 records.
   */
  readonly nodeKeyPath?: string;
  /** The MSP id the node submits as. Default `GridmarkEmbeddedMSP`. */
  readonly mspId?: string;
  /** The most transactions in one block (group commit). Default 1,000. */
  readonly maxTransactionsPerBlock?: number;
  /**
   * A block closes once its transactions wrote this many keys (default 4,000), leaving the rest
   * of the queue to the next block, so that one block is written while the next executes.
   */
  readonly maxWritesPerBlock?: number;
  /** Debug lines about commits; never the key. Default silent. */
  readonly logger?: Logger;
  /** The contract runner; default the gridmark contract. */
  readonly runner?: ContractRunner;
}

/** The embedded ledger: a {@link LedgerClient} with the height of its chain. */
export interface EmbeddedLedger extends LedgerClient {
  /** The number of committed blocks (block 0, the genesis block, included). */
  readonly height: bigint;
  /** The database file. */
  readonly path: string;
  /** The node key's file. */
  readonly nodeKeyPath: string;
  /** The fingerprint of the node key (`sha256:<hex>`). */
  readonly keyId: string;
  /** The hash of block 0. */
  readonly genesis: string;
  /** The hash of durable block `number`, or undefined beyond the head. */
  blockHash(number: number): string | undefined;
  /** A checkpoint of the durable head, signed with the node key; also after the ledger closed. */
  checkpoint(): LedgerCheckpoint;
}

/** A block handed to the writer and not yet confirmed. */
interface InFlightBlock {
  readonly block: StoredBlock;
  readonly writes: readonly StateWrite[];
  readonly included: readonly {
    submit: PendingSubmit;
    input: TransactionInput;
    outcome: TransactionOutcome;
  }[];
  readonly written: Promise<void>;
}

/** How many blocks may be written while the next is built. */
const MAX_BLOCKS_IN_FLIGHT = 2;

interface PendingSubmit {
  readonly transaction: string;
  readonly args: readonly string[];
  readonly resolve: (result: SubmitResult) => void;
  readonly reject: (error: unknown) => void;
}

type Lifecycle = { readonly phase: 'open' } | { readonly phase: 'closed' };

/**
 * Opens (or creates) an embedded ledger: the gridmark contract run in-process over a SQLite
 * chain of signed blocks. Submits that arrive while a block is being built wait for the next
 * one, and all submits of one turn of the event loop go into one block (group commit): one
 * SQLite transaction, one signature, one fsync for all of them. Blocks are written on a worker
 * thread while the next one executes; a submit resolves once its block is durably committed.
 *
 * @throws GridmarkError BAD_CONFIGURATION when the node key is unreadable or exposed
 * @example
 * const ledger = createEmbeddedLedger({ path: 'data/ledger.db' });
 * await ledger.submit('RegisterFields', [JSON.stringify({ systemCode: '88.1001.3', fields: [...] })]);
 */
export function createEmbeddedLedger(options: EmbeddedLedgerOptions): EmbeddedLedger {
  const lock = lockLedgerFile(options.path);
  let database: LedgerDatabase | undefined;
  try {
    database = new LedgerDatabase(options.path);
    const location = locateNodeKey(options.path, options.nodeKeyPath);
    if (location.source === 'beside-database') {
      warn(
        options.logger,
        `the ledger's node key ${location.path} sits beside its database; it is used there. Move it to a directory of its own and name it with GRIDMARK_NODE_KEY (or the ledger's nodeKeyPath).`,
      );
    }
    const key = loadNodeKey(location.path, database.height() === 0);
    assertGenesisKey(database, key, location.path, options.path);
    return new EmbeddedLedgerImpl({ ...options, nodeKeyPath: location.path }, database, key, lock);
  } catch (error) {
    database?.close();
    lock.release();
    throw error;
  }
}

/** Refuses a node key that is not the key block 0 records (a substituted or misplaced key). */
function assertGenesisKey(
  database: LedgerDatabase,
  key: NodeKey,
  keyPath: string,
  path: string,
): void {
  const genesis = database.block(0);
  if (genesis === undefined) return;
  const recorded = decodeBlockData(genesis.data).genesis?.publicKey;
  if (recorded === key.publicKeyPem) return;
  throw new GridmarkError(
    'LEDGER_HEAD_MISMATCH',
    `The node key ${keyPath} is not the key of the ledger ${path}: block 0 records another key. The ledger does not open with it.`,
    {
      details: { path, nodeKey: keyPath, keyId: key.fingerprint },
    },
  );
}

function warn(logger: Logger | undefined, message: string): void {
  if (logger) logger.warn(message);
  else process.emitWarning(message, { code: 'GRIDMARK_NODE_KEY_BESIDE_DATABASE' });
}

class EmbeddedLedgerImpl implements EmbeddedLedger {
  readonly path: string;
  readonly nodeKeyPath: string;
  readonly keyId: string;
  readonly genesis: string;
  readonly #database: LedgerDatabase;
  readonly #key: NodeKey;
  readonly #runner: ContractRunner;
  readonly #creator: TransactionCreator;
  readonly #maxPerBlock: number;
  readonly #maxWritesPerBlock: number;
  readonly #logger: Logger;
  readonly #feed: EventFeed;
  readonly #writer: BlockWriter;
  // Writes of blocks handed to the writer but not confirmed, by key, with the block that wrote them.
  readonly #unconfirmed = new Map<
    string,
    {
      entry: { value: Uint8Array; version: { blockNumber: bigint; txNumber: number } } | null;
      block: number;
    }
  >();
  readonly #inFlight: InFlightBlock[] = [];
  readonly #buildOn: StateSource;
  #queue: PendingSubmit[] = [];
  readonly #lock: { release(): void };
  #draining: Promise<void> | undefined;
  /** The number of the next block to build (blocks in flight included). */
  #height: number;
  /** The number of blocks durably in the file. */
  #committedHeight: number;
  #lastHash: string;
  /** The hash of the last durable block. */
  #committedHash: string;
  #lifecycle: Lifecycle = { phase: 'open' };

  constructor(
    options: EmbeddedLedgerOptions,
    database: LedgerDatabase,
    key: NodeKey,
    lock: { release(): void },
  ) {
    this.path = options.path;
    this.nodeKeyPath = options.nodeKeyPath ?? '';
    this.keyId = key.fingerprint;
    this.#lock = lock;
    this.#database = database;
    this.#key = key;
    this.#runner = options.runner ?? createContractRunner();
    this.#creator = {
      mspId: options.mspId ?? 'GridmarkEmbeddedMSP',
      certificatePem: key.publicKeyPem,
    };
    this.#maxPerBlock = options.maxTransactionsPerBlock ?? 1000;
    this.#maxWritesPerBlock = options.maxWritesPerBlock ?? 4000;
    this.#logger = options.logger ?? silentLogger;
    this.#feed = new EventFeed(database);
    this.#height = database.height();
    if (this.#height === 0) this.#writeGenesis();
    this.#height = database.height();
    this.#committedHeight = this.#height;
    this.#lastHash = (database.block(this.#height - 1) as StoredBlock).hash;
    this.#committedHash = this.#lastHash;
    this.genesis = (database.block(0) as StoredBlock).hash;
    this.#writer = new BlockWriter(options.path);
    this.#buildOn = {
      getState: (key) => {
        const unconfirmed = this.#unconfirmed.get(key);
        return unconfirmed === undefined
          ? database.getState(key)
          : (unconfirmed.entry ?? undefined);
      },
      rangeState: (startKey, endKey) => {
        const merged = new Map(database.rangeState(startKey, endKey).map((e) => [e.key, e]));
        for (const [key, { entry }] of this.#unconfirmed) {
          if (compareKeys(key, startKey) < 0 || compareKeys(key, endKey) >= 0) continue;
          if (entry === null) merged.delete(key);
          else merged.set(key, { key, ...entry });
        }
        return [...merged.values()].sort((a, b) => compareKeys(a.key, b.key));
      },
    };
  }

  get height(): bigint {
    return BigInt(this.#committedHeight);
  }

  blockHash(number: number): string | undefined {
    if (number >= this.#committedHeight) return undefined;
    if (number === this.#committedHeight - 1) return this.#committedHash;
    this.#assertOpen();
    return this.#database.block(number)?.hash;
  }

  checkpoint(): LedgerCheckpoint {
    return signCheckpoint(
      {
        height: this.#committedHeight,
        head: this.#committedHash,
        genesis: this.genesis,
        at: new Date(),
      },
      this.#key,
    );
  }

  async evaluate(transaction: string, args: readonly string[]): Promise<Uint8Array> {
    this.#assertOpen();
    const outcome = await this.#runner(this.#database.reader(), this.#input(transaction, args));
    if (outcome.status === 'ERROR') throw contractRefusal(transaction, outcome.message);
    return outcome.payload;
  }

  submit(transaction: string, args: readonly string[]): Promise<SubmitResult> {
    this.#assertOpen();
    return new Promise<SubmitResult>((resolve, reject) => {
      this.#queue.push({ transaction, args: [...args], resolve, reject });
      // Start a block on the next turn, so that every submit of this turn joins it.
      this.#draining ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#drain());
    });
  }

  events(options: {
    readonly startBlock?: bigint;
    readonly signal?: AbortSignal;
  }): AsyncIterable<LedgerEvent> {
    this.#assertOpen();
    return this.#feed.events(options.startBlock, options.signal);
  }

  async close(): Promise<void> {
    if (this.#lifecycle.phase === 'closed') return;
    // Submits already accepted are committed before the file closes.
    this.#lifecycle = { phase: 'closed' };
    while (this.#draining || this.#inFlight.length > 0) {
      await this.#draining;
      await Promise.allSettled(this.#inFlight.map((b) => b.written));
    }
    await this.#writer.close();
    this.#feed.close();
    this.#database.close();
    this.#lock.release();
  }

  #assertOpen(): void {
    if (this.#lifecycle.phase === 'closed')
      throw ledgerUnavailable('The embedded ledger is closed.');
  }

  #input(transaction: string, args: readonly string[]): TransactionInput {
    return {
      transaction,
      args,
      txId: randomBytes(32).toString('hex'),
      timestamp: new Date(),
      creator: this.#creator,
    };
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        if (this.#inFlight.length >= MAX_BLOCKS_IN_FLIGHT)
          await (this.#inFlight[0] as InFlightBlock).written.catch(() => undefined);
        const batch = this.#queue.slice(0, this.#maxPerBlock);
        this.#queue = this.#queue.slice(batch.length);
        const taken = await this.#commitBlock(batch);
        // What did not fit goes first into the next block.
        if (taken < batch.length) this.#queue = [...batch.slice(taken), ...this.#queue];
      }
    } finally {
      this.#draining = undefined;
    }
  }

  /** Builds a block from the front of `batch` and hands it to the writer; returns how many submits it took. */
  async #commitBlock(batch: readonly PendingSubmit[]): Promise<number> {
    const number = this.#height;
    const state = new PendingState(this.#buildOn);
    const included: {
      submit: PendingSubmit;
      input: TransactionInput;
      outcome: TransactionOutcome;
    }[] = [];
    let taken = 0;
    let written = 0;
    for (const submit of batch) {
      if (written >= this.#maxWritesPerBlock) break;
      taken += 1;
      const input = this.#input(submit.transaction, submit.args);
      let outcome: TransactionOutcome;
      try {
        outcome = await this.#runner(state, input);
      } catch (error) {
        submit.reject(
          ledgerUnavailable('The embedded ledger failed to run the transaction.', error),
        );
        continue;
      }
      if (outcome.status === 'ERROR') {
        submit.reject(contractRefusal(submit.transaction, outcome.message));
        continue;
      }
      state.apply(outcome.writes, { blockNumber: BigInt(number), txNumber: included.length });
      included.push({ submit, input, outcome });
      written += outcome.writes.length;
    }
    if (included.length === 0) return taken;
    const writes: StateWrite[] = included.flatMap(({ outcome }, txNumber) =>
      outcome.writes.map((w) => ({ key: w.key, value: w.value, txNumber })),
    );
    const block = this.#sealBlock(
      number,
      encodeBlockData({
        transactions: included.map(({ input, outcome }) => storeTransaction(input, outcome)),
      }),
    );
    this.#logger.debug(
      `committing block ${number}: ${included.length} transaction(s), ${writes.length} state write(s)`,
    );
    for (const write of writes) {
      this.#unconfirmed.set(write.key, {
        entry:
          write.value === null
            ? null
            : {
                value: write.value,
                version: { blockNumber: BigInt(number), txNumber: write.txNumber },
              },
        block: number,
      });
    }
    this.#height = number + 1;
    this.#lastHash = block.hash;
    const durable = this.#writer.append(block, writes);
    const inFlight: InFlightBlock = { block, writes, included, written: durable };
    this.#inFlight.push(inFlight);
    durable.then(
      () => this.#confirmed(inFlight),
      (error: unknown) => this.#failed(inFlight, error),
    );
    return taken;
  }

  /** The writer committed the oldest block in flight. */
  #confirmed(inFlight: InFlightBlock): void {
    const { block, writes, included } = inFlight;
    this.#inFlight.shift();
    this.#committedHeight = block.number + 1;
    this.#committedHash = block.hash;
    this.#database.committed(block.number, writes);
    for (const write of writes) {
      if (this.#unconfirmed.get(write.key)?.block === block.number)
        this.#unconfirmed.delete(write.key);
    }
    this.#logger.debug(`committed block ${block.number}`);
    const events: LedgerEvent[] = [];
    const number = BigInt(block.number);
    for (const { submit, input, outcome } of included) {
      if (outcome.event)
        events.push({
          name: outcome.event.name,
          payload: outcome.event.payload,
          txId: input.txId,
          blockNumber: number,
        });
      submit.resolve({ result: outcome.payload, txId: input.txId, blockNumber: number });
    }
    this.#feed.publish(events);
  }

  /** The writer could not commit a block: it and every block built on it are lost. */
  #failed(inFlight: InFlightBlock, error: unknown): void {
    // The blocks after it fail too (the writer refuses them); the first failure handles them all.
    if (this.#inFlight[0] !== inFlight) return;
    const failure = ledgerUnavailable('The embedded ledger could not write the block.', error);
    const lost = this.#inFlight.splice(0);
    for (const block of lost) for (const { submit } of block.included) submit.reject(failure);
    this.#unconfirmed.clear();
    this.#database.forgetCache();
    // Nothing after the last confirmed block was written; the file says where the chain ends.
    this.#height = this.#database.height();
    this.#committedHeight = this.#height;
    this.#lastHash = (this.#database.block(this.#height - 1) as StoredBlock).hash;
    this.#committedHash = this.#lastHash;
    this.#logger.error(
      `block ${inFlight.block.number} was not written: ${error instanceof Error ? error.message : String(error)}`,
    );
    this.#writer.reset();
  }

  #sealBlock(number: number, data: string): StoredBlock {
    const header = {
      number,
      previousHash: number === 0 ? GENESIS_PREVIOUS_HASH : this.#lastHash,
      dataHash: sha256(data),
      timestamp: new Date().toISOString(),
    };
    const hash = headerHash(header);
    return { ...header, hash, data, signature: this.#key.sign(hash) };
  }

  #writeGenesis(): void {
    const block = this.#sealBlock(
      0,
      encodeBlockData({
        genesis: { format: 1, mspId: this.#creator.mspId, publicKey: this.#key.publicKeyPem },
        transactions: [],
      }),
    );
    this.#database.append(block, []);
    this.#logger.debug('created the ledger with its genesis block');
  }
}
