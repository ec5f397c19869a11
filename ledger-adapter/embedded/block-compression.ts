import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  inflateRawSync,
} from 'node:zlib';

/*
 * How a block's data text is kept in the file. A block's hashes cover its data text, not the
 * bytes stored, so the text may be kept compressed (and a block of an older file compressed
 * later) without touching the chain. The `data` column holds either the text itself (TEXT, as
 * every block was written before compression) or a BLOB whose first byte names the codec:
 *
 * - 1, brotli with a 16 MB window: for large blocks, which repeat their transactions' arguments
 *   in their writes, reads and events hundreds of kilobytes apart (beyond deflate's 32 KB window);
 * - 2, deflate with a preset dictionary (then the dictionary's id, 4 bytes big-endian): for small
 *   blocks, the common case of a gateway recording a few queries at a time, whose text is mostly
 *   what every such block says (member names, the node's identity, field keys) and which brotli
 *   alone compresses to less than half of what it does with a dictionary of recent blocks.
 *
 * Dictionaries are stored in the ledger file (`block_dictionaries`), each written in the SQLite
 * transaction of the first block compressed with it and never changed; a block compressed with a
 * dictionary that is missing or altered reads as text that matches no data hash.
 */

/** Codec byte of brotli-compressed text. */
export const BROTLI_CODEC = 1;
/** Codec byte of text deflated with a preset dictionary. */
export const DICTIONARY_CODEC = 2;

/** How blocks are compressed; the block writer's worker uses the same parameters. */
export const BLOCK_COMPRESSION = {
  /** Brotli quality and window (log2) for large blocks. */
  quality: 4,
  window: 24,
  /** Deflate level for small blocks. */
  level: 9,
  /** Blocks of at most this many bytes of text are deflated with the dictionary, when there is one. */
  smallBlockBytes: 64 * 1024,
} as const;

/** How much of a block a dictionary takes as its sample. */
const SAMPLE_CHARS = 8 * 1024;

/** The largest dictionary deflate uses (its window). */
export const MAX_DICTIONARY_BYTES = 32 * 1024;

/** What a block's data reads as when its stored bytes cannot be decompressed: it matches no data hash. */
export const UNREADABLE_BLOCK_DATA = '\u0000unreadable block data';

/** A stored compression dictionary. */
export interface BlockDictionary {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** The bytes a block's data text is stored as: deflated with `dictionary` when the text is small and there is one, else brotli. */
export function packBlockData(text: string, dictionary?: BlockDictionary): Buffer {
  const raw = Buffer.from(text, 'utf8');
  if (dictionary !== undefined && raw.length <= BLOCK_COMPRESSION.smallBlockBytes) {
    const deflated = deflateRawSync(raw, {
      level: BLOCK_COMPRESSION.level,
      dictionary: dictionary.bytes,
    });
    const packed = Buffer.allocUnsafe(deflated.length + 5);
    packed[0] = DICTIONARY_CODEC;
    packed.writeUInt32BE(dictionary.id, 1);
    deflated.copy(packed, 5);
    return packed;
  }
  const compressed = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BLOCK_COMPRESSION.quality,
      [constants.BROTLI_PARAM_LGWIN]: BLOCK_COMPRESSION.window,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
  const packed = Buffer.allocUnsafe(compressed.length + 1);
  packed[0] = BROTLI_CODEC;
  compressed.copy(packed, 1);
  return packed;
}

/**
 * A block's data text from what the file holds: text as it is, a BLOB decompressed (with the
 * dictionary `dictionaryOf` finds for its id). Bytes that do not decompress read as
 * {@link UNREADABLE_BLOCK_DATA}, so that verification reports the block's data as not matching
 * its hash instead of failing.
 */
export function unpackBlockData(
  stored: string | Uint8Array,
  dictionaryOf: (id: number) => Uint8Array | undefined = () => undefined,
): string {
  if (typeof stored === 'string') return stored;
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  try {
    if (bytes[0] === BROTLI_CODEC) return brotliDecompressSync(bytes.subarray(1)).toString('utf8');
    if (bytes[0] === DICTIONARY_CODEC && bytes.length >= 5) {
      const dictionary = dictionaryOf(bytes.readUInt32BE(1));
      if (dictionary !== undefined)
        return inflateRawSync(bytes.subarray(5), { dictionary }).toString('utf8');
    }
  } catch {
    // Falls through: damaged bytes read as text no data hash matches.
  }
  return UNREADABLE_BLOCK_DATA;
}

/**
 * Proposes compression dictionaries from the blocks written: the first once a few small blocks
 * were seen, then a fresh one every `every` small blocks, so that the dictionary follows what the
 * ledger records (new fields, applications, systems). A dictionary is the latest small block of
 * each kind (the set of its transactions' names), oldest first, cut to deflate's window.
 */
export class DictionaryTrainer {
  readonly #every: number;
  readonly #first: number;
  readonly #latestOfKind = new Map<string, string>();
  #seen = 0;
  #due: number;

  /** `hasDictionary`: a dictionary is stored already (a ledger opened again keeps using its latest until the next is due). */
  constructor(options: {
    readonly hasDictionary: boolean;
    readonly first?: number;
    readonly every?: number;
  }) {
    this.#first = options.first ?? 16;
    this.#every = options.every ?? 4096;
    this.#due = options.hasDictionary ? this.#every : this.#first;
  }

  /** Notes a block's data text; returns the bytes of a new dictionary when one is due. */
  observe(text: string): Buffer | undefined {
    if (text.length > BLOCK_COMPRESSION.smallBlockBytes) return undefined;
    const kind = /"transaction":"([A-Za-z]+)"/g;
    const names = new Set<string>();
    for (const match of text.matchAll(kind)) names.add(match[1] as string);
    const key = [...names].sort().join('+');
    this.#latestOfKind.delete(key);
    // The head of a block says what every block of its kind says; a sample need not be whole.
    this.#latestOfKind.set(key, text.slice(0, SAMPLE_CHARS));
    this.#seen += 1;
    if (this.#seen < this.#due) return undefined;
    this.#seen = 0;
    this.#due = this.#every;
    const joined = Buffer.from([...this.#latestOfKind.values()].join(''), 'utf8');
    return joined.length <= MAX_DICTIONARY_BYTES
      ? joined
      : joined.subarray(joined.length - MAX_DICTIONARY_BYTES);
  }
}
