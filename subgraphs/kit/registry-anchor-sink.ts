import { GridmarkError, createGraphqlClient } from '../../schema/index.js';
import type { AnchorSink } from './anchorer.js';

/** Options of {@link createRegistryAnchorSink}. */
export interface RegistryAnchorSinkOptions {
  /** The aggregator's registry API, e.g. http://aggregator:4000/registry. */
  readonly registryUrl: string;
  readonly systemCode: string;
  /** The system's API key, as issued at registration. */
  readonly apiKey: string;
  readonly timeoutMs?: number;
}

/**
 * Anchors through the aggregator: the registry API checks the system's key and forwards the
 * commitments to the ledger (patent [0079]). For a ledger the system reaches itself (a Fabric
 * peer of its own organisation), implement {@link AnchorSink} over the ledger adapter instead.
 */
export function createRegistryAnchorSink(options: RegistryAnchorSinkOptions): AnchorSink {
  const client = createGraphqlClient({ url: options.registryUrl, apiKey: options.apiKey, timeoutMs: options.timeoutMs ?? 30_000 });
  // Whatever keeps the registry from taking the commitments, the ledger does not have them.
  const call = <T>(query: string, variables: Record<string, unknown>): Promise<T> =>
    client.request<T>(query, variables).catch((cause: unknown) => {
      throw new GridmarkError('LEDGER_UNAVAILABLE', `anchoring through the registry failed: ${cause instanceof GridmarkError ? `${cause.code} ` : ''}${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    });
  return {
    async fieldCodes() {
      const { fields } = await call<{ fields: { code: string; name: string }[] }>('query ($c: ID) { fields(systemCode: $c) { code name } }', { c: options.systemCode });
      return new Map(fields.map((f) => [f.name, f.code]));
    },
    async anchor(commitments) {
      const { anchorCommitments } = await call<{ anchorCommitments: { txId: string } }>('mutation ($c: ID!, $list: [CommitmentInput!]!) { anchorCommitments(systemCode: $c, commitments: $list) { txId count } }', { c: options.systemCode, list: commitments });
      return anchorCommitments;
    },
  };
}
