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
