/**
 * A Bloom filter over the keys present in world state: `mightContain(key)` false means the key
 * is certainly absent, so a first write of a key (the common case when a system anchors a new
 * device) needs no database lookup. About 10 bits per key and 4 probes keep false positives
 * (which only cost the lookup) near 1 %. The filter grows by rebuilding from the key list when it
 * holds more keys than it was sized for.
 */
export class KeyFilter {
  #bits: Uint32Array;
  #size: number;
  #capacity: number;
  #count = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1024, capacity);
    this.#size = this.#capacity * 10;
    this.#bits = new Uint32Array(Math.ceil(this.#size / 32));
  }

  /** How many keys were added. */
  get count(): number {
    return this.#count;
  }

  /** True when more keys were added than the filter was sized for: rebuild it larger. */
  get full(): boolean {
    return this.#count > this.#capacity;
  }

  add(key: string): void {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < 4; i++) {
      const bit = (h1 + i * h2) % this.#size;
      this.#bits[bit >>> 5] = (this.#bits[bit >>> 5] as number) | (1 << (bit & 31));
    }
    this.#count += 1;
  }

  mightContain(key: string): boolean {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < 4; i++) {
      const bit = (h1 + i * h2) % this.#size;
      if (((this.#bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two independent 32-bit FNV-1a style hashes of the key's UTF-16 code units. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b | 1) >>> 0];
}
