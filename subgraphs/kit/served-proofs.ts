/**
 * What a subgraph sends beside the values it served, in `extensions.gridmark.proofs`, so that the
 * gateway can check each value against its anchor: each field's code once, the salt of every
 * value, and the whole value of object-typed fields (a query may select a part). A value without
 * a salt here has no proof. A field's change policy is not among them: the gateway takes it from
 * the registry, never from a system's response.
 */
export interface ServedProofs {
  readonly fields: Readonly<Record<string, { readonly code: string }>>;
  /** Per device, per field name. */
  readonly salts: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Per device, per object-typed field name. */
  readonly values?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

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
