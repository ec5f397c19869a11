import { canonicalBytes } from './canonical-json.js';

/**
 * The slice of Fabric's `ChaincodeStub` that the contract uses. Fabric's own stub satisfies it,
 * and so does the local stub of `ledger-adapter/runtime/`, which is how one contract runs on both
 * ledgers.
 */
export interface ContractStub {
  getState(key: string): Promise<Uint8Array>;
  putState(key: string, value: Uint8Array): Promise<void>;
  deleteState(key: string): Promise<void>;
  getStateByRange(
    startKey: string,
    endKey: string,
  ): AsyncIterable<{ readonly key: string; readonly value: Uint8Array }>;
  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): AsyncIterable<{ readonly key: string; readonly value: Uint8Array }>;
  createCompositeKey(objectType: string, attributes: string[]): string;
  setEvent(name: string, payload: Uint8Array): void;
  getTxID(): string;
  getTxTimestamp(): { readonly seconds: unknown; readonly nanos: number };
}

/** The slice of Fabric's `ClientIdentity` that the contract uses. */
export interface ContractClientIdentity {
  getMSPID(): string;
  getID(): string;
}

const decoder = new TextDecoder();

/**
 * Typed JSON access to world state through a {@link ContractStub}: values are deterministic
 * JSON, keys composite keys of one object type each.
 */
export class ContractState {
  readonly #stub: ContractStub;
  /**
   * Records read so far, by key. A transaction sees the state as committed before it, never its
   * own writes, so a key read twice in one transaction has the same value: it is read and parsed
   * once. Records are shared between readers and must not be changed.
   */
  readonly #read = new Map<string, unknown>();

  constructor(stub: ContractStub) {
    this.#stub = stub;
  }

  /** The record under the composite key, or undefined (Fabric returns empty bytes for a missing key). */
  async get<T>(type: string, parts: readonly string[]): Promise<T | undefined> {
    const key = this.#stub.createCompositeKey(type, [...parts]);
    if (this.#read.has(key)) return this.#read.get(key) as T | undefined;
    const bytes = await this.#stub.getState(key);
    const record = bytes.length === 0 ? undefined : (JSON.parse(decoder.decode(bytes)) as T);
    this.#read.set(key, record);
    return record;
  }

  /** True when a record is stored under the composite key (read, not parsed, when it was not read before). */
  async exists(type: string, parts: readonly string[]): Promise<boolean> {
    const key = this.#stub.createCompositeKey(type, [...parts]);
    if (this.#read.has(key)) return this.#read.get(key) !== undefined;
    return (await this.#stub.getState(key)).length > 0;
  }

  /** Reads many records of one type, each key once. */
  async getMany<T>(type: string, ids: Iterable<string>): Promise<Map<string, T | undefined>> {
    const found = new Map<string, T | undefined>();
    for (const id of ids) {
      if (!found.has(id)) found.set(id, await this.get<T>(type, [id]));
    }
    return found;
  }

  async put(type: string, parts: readonly string[], record: unknown): Promise<void> {
    await this.#stub.putState(
      this.#stub.createCompositeKey(type, [...parts]),
      canonicalBytes(record),
    );
  }

  /** Every record whose composite key starts with `parts`. */
  async list<T>(type: string, parts: readonly string[]): Promise<T[]> {
    const records: T[] = [];
    for await (const kv of this.#stub.getStateByPartialCompositeKey(type, [...parts]))
      records.push(JSON.parse(decoder.decode(kv.value)) as T);
    return records;
  }

  /** Emits the transaction's one event. */
  emit(name: string, payload: unknown): void {
    this.#stub.setEvent(name, canonicalBytes(payload));
  }

  get txId(): string {
    return this.#stub.getTxID();
  }

  /** The transaction timestamp as ISO-8601 UTC, the only clock the contract reads. */
  get at(): string {
    const ts = this.#stub.getTxTimestamp();
    // Fabric gives seconds as a Long; the local stub as a number. Both print as decimal digits.
    const seconds = Number(String(ts.seconds));
    return new Date(seconds * 1000 + Math.floor(ts.nanos / 1_000_000)).toISOString();
  }
}
