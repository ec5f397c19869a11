import type { ServedProofs } from '../../schema/index.js';

/** Collects the proofs of one request's values as its field resolvers run. */
export class ProofCollector {
  // Dictionaries without a prototype: a field may be called `constructor`.
  readonly #fields: Record<string, { code: string }> = dictionary();
  readonly #salts: Record<string, Record<string, string>> = dictionary();
  #values: Record<string, Record<string, unknown>> | undefined;
  #empty = true;

  /**
   * Records the salt of one served value. A value anchored under another code than the one
   * already stated for its field is left without a proof (the gateway then withholds it).
   */
  add(
    deviceId: string,
    field: string,
    proof: { readonly code: string; readonly salt: string },
    wholeValue?: unknown,
  ): void {
    const stated = (this.#fields[field] ??= { code: proof.code });
    if (stated.code !== proof.code) return;
    (this.#salts[deviceId] ??= dictionary())[field] = proof.salt;
    if (wholeValue !== undefined)
      ((this.#values ??= dictionary())[deviceId] ??= dictionary())[field] = wholeValue;
    this.#empty = false;
  }

  get empty(): boolean {
    return this.#empty;
  }

  collect(): ServedProofs {
    return this.#values
      ? { fields: this.#fields, salts: this.#salts, values: this.#values }
      : { fields: this.#fields, salts: this.#salts };
  }
}

function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
