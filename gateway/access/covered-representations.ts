import type { FieldDirectory } from './field-directory.js';
import type { RequestAccess } from './request-access.js';
import { resolvedFields } from './resolved-fields.js';

/**
 * Which representations of an entity fetch are worth sending to `subgraph`: the indexes of those
 * whose device the query's resolution gives at least one of this system's selected fields (by
 * the field's code as registered now). A device the resolution lists but this system does not
 * hold for any of those fields is left out: the catalog says there is nothing to ask for. A fetch
 * left with no representation is not sent at all and its fields are null, with no error.
 *
 * Everything else is kept, for the grant to judge: a device outside the resolution, a
 * representation without a string `id`. Undefined (send the fetch as planned) when the query has
 * no resolution or selects none of this system's fields: the grant then decides, failing closed.
 *
 * @example coveredRepresentations({ access, subgraph: 'monitoring', representations: [{ id: 'PV' }, { id: 'INV' }], fields }) // [1]
 */
export function coveredRepresentations(options: {
  readonly access: RequestAccess;
  readonly subgraph: string;
  readonly representations: readonly unknown[];
  readonly fields: FieldDirectory;
}): readonly number[] | undefined {
  const { access, subgraph, representations, fields: directory } = options;
  if (!access.resolution) return undefined;
  const codes: [name: string, code: string][] = [];
  for (const name of access.fields) {
    const field = directory.byName(name);
    if (field?.subgraphName === subgraph) codes.push([name, field.code]);
  }
  if (codes.length === 0) return undefined;
  const index = resolvedFields(access.resolution);
  const kept: number[] = [];
  representations.forEach((representation, i) => {
    const id = (representation as { id?: unknown } | null)?.id;
    const resolved = typeof id === 'string' ? index.get(id) : undefined;
    if (!resolved || codes.some(([name, code]) => resolved.get(name) === code)) kept.push(i);
  });
  return kept;
}
