import { Kind, parse, type SelectionSetNode } from 'graphql';

const cache = new Map<string, ReadonlyMap<string, string>>();
const CACHE_LIMIT = 1_000;

/**
 * For a subgraph fetch (`_entities(...) { ... on Device { key: field ... } }`), the field name
 * behind every response key of the `Device` selection. The query planner may alias fields; the
 * verifier must check the field a value really is. Query plans repeat, so results are cached.
 */
export function entityFieldNames(query: string): ReadonlyMap<string, string> {
  const cached = cache.get(query);
  if (cached) return cached;
  const names = new Map<string, string>();
  const visit = (set: SelectionSetNode, onDevice: boolean): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (onDevice) names.set(selection.alias?.value ?? selection.name.value, selection.name.value);
        else if (selection.selectionSet && selection.name.value === '_entities') visit(selection.selectionSet, false);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, onDevice || selection.typeCondition?.name.value === 'Device');
      }
    }
  };
  for (const definition of parse(query).definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) visit(definition.selectionSet, false);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(query, names);
  return names;
}
