import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { BoundedMap } from '../../schema/index.js';
import { selectionKeys, type SelectedKey } from './operation-keys.js';

const cache = new BoundedMap<string, ReadonlyMap<string, SelectedKey>>(1_000);

/**
 * For a subgraph fetch (`_entities(...) { ... on Device { key: field { k: member } } }`), what
 * every response key of the `Device` selection stands for: the field's name, and for an object
 * field the same for the keys inside it, down to the leaves. The query planner may alias fields
 * and the application may alias members; the verifier must check the field (and the member) a
 * value really is. Named fragments are merged as the executor merges them. Query plans repeat,
 * so results are cached per operation text.
 *
 * @example entityFieldKeys(q).get('power') // { name: 'outputPowerW', keys: { kind: 'selected', keys: Map {} } }
 */
export function entityFieldKeys(query: string): ReadonlyMap<string, SelectedKey> {
  const cached = cache.get(query);
  if (cached) return cached;
  const document = parse(query);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const onDevice: SelectionSetNode[] = [];
  const seen = new Set<string>();
  /** Collects the selection sets on `Device` under `_entities`, each named fragment once. */
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet && selection.name.value === '_entities')
          visit(selection.selectionSet);
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (selection.kind === Kind.FRAGMENT_SPREAD && (seen.has(selection.name.value) || !fragment))
        continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) seen.add(selection.name.value);
      if (fragment?.typeCondition?.name.value === 'Device') onDevice.push(fragment.selectionSet);
      else if (fragment && !fragment.typeCondition) visit(fragment.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) visit(definition.selectionSet);
  }
  const keys = selectionKeys(onDevice, fragments);
  const names = keys.kind === 'selected' ? keys.keys : new Map<string, SelectedKey>();
  cache.set(query, names);
  return names;
}
