import { X509Certificate } from 'node:crypto';
import type {
  StateEntry,
  TransactionCreator,
  TransactionInput,
  TransactionOutcome,
  WorldStateReader,
} from '../contract-runtime.js';
import type { ContractClientIdentity, ContractStub } from '../contract/index.js';
import { createCompositeKey, MAX_KEY_SUFFIX } from './composite-key.js';

type Read = TransactionOutcome['reads'][number];
type Write = TransactionOutcome['writes'][number];

const EMPTY = new Uint8Array(0);

/**
 * The chaincode stub API the contract uses, over a {@link WorldStateReader}, recording what the
 * transaction reads and writes. As on Fabric, reads see the committed state only, never the
 * transaction's own writes, and a second `setEvent` replaces the first.
 */
export class LocalStub implements ContractStub {
  readonly #state: WorldStateReader;
  readonly #input: TransactionInput;
  readonly #reads = new Map<string, Read>();
  readonly #writes = new Map<string, Write>();
  #event: TransactionOutcome['event'] = null;

  constructor(state: WorldStateReader, input: TransactionInput) {
    this.#state = state;
    this.#input = input;
  }

  async getState(key: string): Promise<Uint8Array> {
    checkKey(key);
    const entry = await this.#state.get(key);
    this.#recordRead(key, entry);
    return entry?.value ?? EMPTY;
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    checkKey(key);
    // The contract hands over fresh bytes for every write; no copy is needed.
    this.#writes.set(key, { key, value });
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    checkKey(key);
    this.#writes.set(key, { key, value: null });
    return Promise.resolve();
  }

  getStateByRange(
    startKey: string,
    endKey: string,
  ): AsyncIterable<{ key: string; value: Uint8Array }> {
    // As on Fabric: an empty start skips composite keys (they begin with U+0000), an empty end is open.
    return this.#range(
      startKey === '' ? '\u0001' : startKey,
      endKey === '' ? MAX_KEY_SUFFIX : endKey,
    );
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): AsyncIterable<{ key: string; value: Uint8Array }> {
    const prefix = createCompositeKey(objectType, attributes);
    return this.#range(prefix, `${prefix}${MAX_KEY_SUFFIX}`);
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name.length === 0)
      throw new TypeError('event name must be a non-empty string');
    this.#event = { name, payload: Uint8Array.from(payload) };
  }

  getTxID(): string {
    return this.#input.txId;
  }

  getTxTimestamp(): { seconds: number; nanos: number } {
    const ms = this.#input.timestamp.getTime();
    return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
  }

  getDateTimestamp(): Date {
    return new Date(this.#input.timestamp.getTime());
  }

  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return {
      mspid: this.#input.creator.mspId,
      idBytes: new TextEncoder().encode(this.#input.creator.certificatePem),
    };
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.#input.transaction, params: [...this.#input.args] };
  }

  /** The recorded read set, write set and event. */
  get recorded(): Pick<TransactionOutcome, 'reads' | 'writes' | 'event'> {
    return {
      reads: [...this.#reads.values()],
      writes: [...this.#writes.values()],
      event: this.#event,
    };
  }

  async *#range(
    startKey: string,
    endKey: string,
  ): AsyncGenerator<{ key: string; value: Uint8Array }> {
    for await (const entry of this.#state.range(startKey, endKey)) {
      this.#recordRead(entry.key, entry);
      yield { key: entry.key, value: entry.value };
    }
  }

  #recordRead(key: string, entry: StateEntry | undefined): void {
    if (!this.#reads.has(key)) this.#reads.set(key, { key, version: entry ? entry.version : null });
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0)
    throw new TypeError('state key must be a non-empty string');
}

/**
 * `ctx.clientIdentity` for a transaction: the MSP id and, when the creator's PEM is an X.509
 * certificate, Fabric's `x509::<subject>::<issuer>` id; otherwise an id built from the PEM.
 */
export class LocalClientIdentity implements ContractClientIdentity {
  readonly #creator: TransactionCreator;

  constructor(creator: TransactionCreator) {
    this.#creator = creator;
  }

  getMSPID(): string {
    return this.#creator.mspId;
  }

  getID(): string {
    try {
      const certificate = new X509Certificate(this.#creator.certificatePem);
      return `x509::${oneLine(certificate.subject)}::${oneLine(certificate.issuer)}`;
    } catch {
      return `key::${this.#creator.mspId}`;
    }
  }

  getIDBytes(): Uint8Array {
    return new TextEncoder().encode(this.#creator.certificatePem);
  }

  getAttributeValue(): string | null {
    return null;
  }

  assertAttributeValue(): boolean {
    return false;
  }
}

function oneLine(name: string): string {
  return `/${name.split('\n').filter(Boolean).join('/')}`;
}
