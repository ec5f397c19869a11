import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import type { IncomingHttpHeaders } from 'node:http';

/** A fully received answer, readable once as text, JSON or bytes. */
export class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly ok: boolean;
  readonly headers: FetcherHeaders;
  #used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ReceivedHeaders(headers);
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  text(): Promise<string> {
    return this.#read((bytes) => bytes.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.#read((bytes) => JSON.parse(bytes.toString('utf8')) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read(
      (bytes) =>
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
  }

  clone(): FetcherResponse {
    if (this.#used) throw new TypeError('the body of this answer was already read');
    return new BufferedResponse(
      this.url,
      this.status,
      this.statusText,
      Object.fromEntries(this.headers),
      this.body,
    );
  }

  /** The body decoded once; a second read, or a body that does not decode, rejects. */
  #read<T>(decode: (bytes: Buffer) => T): Promise<T> {
    if (this.#used)
      return Promise.reject(new TypeError('the body of this answer was already read'));
    this.#used = true;
    try {
      return Promise.resolve(decode(this.body));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** The answer's headers, read-only in effect: Apollo only reads them. */
class ReceivedHeaders implements FetcherHeaders {
  readonly #map = new Map<string, string>();

  constructor(headers: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.#map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.#map.get(key);
    this.#map.set(key, current === undefined ? value : `${current}, ${value}`);
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }
  values(): IterableIterator<string> {
    return this.#map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}
