/**
 * A map that holds at most `capacity` entries: setting a new key when it is full forgets the
 * entry set longest ago. The in-process caches of the gateway, the ledger adapter and the
 * subgraph kit are bounded this way.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`a bounded map holds at least 1 entry, not ${capacity}`);
  }

  override set(key: K, value: V): this {
    if (this.size >= this.capacity && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
