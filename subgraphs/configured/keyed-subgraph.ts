import { generateKeyPairSync } from 'node:crypto';
import { GridmarkError } from '../../schema/index.js';
import {
  defineSubgraph,
  type AnchorJournal,
  type Subgraph,
  type SubgraphDeclaration,
} from '../kit/index.js';
import type { GatewayKeys } from './gateway-keys.js';

/** Options of {@link createKeyedSubgraph}. */
export interface KeyedSubgraphOptions {
  readonly keys: GatewayKeys;
  readonly journal?: AnchorJournal;
  /** Allowed clock skew on a grant's `exp` and `iat`, in seconds. Default 30. */
  readonly skewSeconds?: number;
}

/**
 * A subgraph that accepts the grants of any of the gateway's current keys, so a gateway can
 * rotate its signing key with an overlap. A grant names its key by id (`kid`); one naming an id
 * the system does not know makes it fetch the gateway's key set once (at most every 30 s) before
 * the grant is refused `UNKNOWN_KEY`, so a rotated gateway's first grants are accepted.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when there is no key, `BAD_DECLARATION` as
 *   `defineSubgraph` does.
 */
export function createKeyedSubgraph(
  declaration: SubgraphDeclaration,
  options: KeyedSubgraphOptions,
): Subgraph {
  const { keys } = options;
  if (keys.current().size === 0)
    throw new GridmarkError('BAD_CONFIGURATION', 'gateway: no key of the gateway is known.', {
      details: { setting: 'gateway' },
    });
  const subgraph = defineSubgraph(declaration, {
    access: {
      kind: 'grants',
      gatewayPublicKey: keys,
      refreshKeys: () => keys.refreshForUnknownKey(),
      grantKey: generateKeyPairSync('x25519').privateKey,
      ...(options.skewSeconds === undefined ? {} : { skewSeconds: options.skewSeconds }),
    },
    ...(options.journal ? { journal: options.journal } : {}),
  });
  return {
    ...subgraph,
    // A caller that cannot wait still starts the fetch a grant under an unknown key asks for.
    createContext(headers) {
      const context = subgraph.createContext(headers);
      if (
        context.access.kind === 'refused' &&
        context.access.error.details['reason'] === 'UNKNOWN_KEY'
      )
        void keys.refreshForUnknownKey();
      return context;
    },
  };
}
