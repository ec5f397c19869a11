import { decodeBlockData, type StoredBlock } from './block-codec.js';

/** Blocks kept decoded: a reader of several records of one block (a batch's trades) decodes it once. */
const DECODED_BLOCKS = 16;

/**
 * Reads the state values kept only in the block that wrote them (stored-state-values.ts): the
 * value the transaction of a row's version wrote for its key, from the block's data.
 */
export class BlockHeldValues {
  readonly #block: (number: number) => StoredBlock | undefined;
  /** The writes of recently read blocks, per transaction, least recently read first. */
  readonly #decoded = new Map<number, readonly ReadonlyMap<string, string | null>[]>();

  /** `block` reads a block of the file. */
  constructor(block: (number: number) => StoredBlock | undefined) {
    this.#block = block;
  }

  /**
   * The value transaction `txNumber` of block `blockNumber` wrote for `key`.
   *
   * @throws Error when the file holds no such block, or its transaction wrote no value of the key
   */
  valueOf(key: string, blockNumber: number, txNumber: number): Uint8Array {
    const value = this.#writesOf(blockNumber)[txNumber]?.get(key);
    if (value === undefined || value === null)
      throw new Error(
        `the state value of ${JSON.stringify(key)} is kept in block ${blockNumber}, whose transaction ${txNumber} did not write it`,
      );
    const bytes = Buffer.from(value, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Forgets the blocks read (after a failed commit, whose blocks the file does not hold). */
  clear(): void {
    this.#decoded.clear();
  }

  #writesOf(number: number): readonly ReadonlyMap<string, string | null>[] {
    let writes = this.#decoded.get(number);
    if (writes !== undefined) {
      this.#decoded.delete(number);
    } else {
      const block = this.#block(number);
      if (block === undefined)
        throw new Error(`the state table names block ${number}, which the file does not hold`);
      // A transaction writes a key once; were it twice, the last write is the one state holds.
      writes = decodeBlockData(block.data).transactions.map((tx) => new Map(tx.writes));
      if (this.#decoded.size >= DECODED_BLOCKS)
        this.#decoded.delete(this.#decoded.keys().next().value as number);
    }
    this.#decoded.set(number, writes);
    return writes;
  }
}
