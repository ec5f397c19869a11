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

/** The most anchors the registry API reads per call. */
const ANCHOR_READS_PER_CALL = 1_000;

/**
 * Anchors through the aggregator: the registry API checks the system's key and forwards the
 * commitments to the ledger (patent [0079]); the registered fields (codes, change policies) and
 * the ledger's anchors are read through it too. For a ledger the system reaches itself (a Fabric
 * peer of its own organisation), implement {@link AnchorSink} over the ledger adapter instead.
 */
export function createRegistryAnchorSink(options: RegistryAnchorSinkOptions): AnchorSink {
  const client = createGraphqlClient({
    url: options.registryUrl,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  // Whatever keeps the registry from answering, the ledger has not taken or told anything.
  const call = <T>(query: string, variables: Record<string, unknown>): Promise<T> =>
    client.request<T>(query, variables).catch((cause: unknown) => {
      throw new GridmarkError(
        'LEDGER_UNAVAILABLE',
        `anchoring through the registry failed: ${cause instanceof GridmarkError ? `${cause.code} ` : ''}${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    });
  return {
    async fields() {
      const { fields } = await call<{
        fields: { code: string; name: string; changePolicy: 'REFUSE' | 'RELEASE_UNVERIFIED' }[];
      }>('query ($c: ID) { fields(systemCode: $c) { code name changePolicy } }', {
        c: options.systemCode,
      });
      return new Map(
        fields.map((f) => [
          f.name,
          {
            code: f.code,
            changePolicy: f.changePolicy === 'RELEASE_UNVERIFIED' ? 'release-unverified' : 'refuse',
          },
        ]),
      );
    },
    async anchored(keys) {
      const found: boolean[] = [];
      for (let i = 0; i < keys.length; i += ANCHOR_READS_PER_CALL) {
        const chunk = keys
          .slice(i, i + ANCHOR_READS_PER_CALL)
          .map(([deviceId, fieldCode]) => ({ deviceId, fieldCode }));
        const { ledgerAnchors } = await call<{ ledgerAnchors: ({ version: number } | null)[] }>(
          'query ($keys: [AnchorKeyInput!]!) { ledgerAnchors(keys: $keys) { version } }',
          { keys: chunk },
        );
        // An answer of another length is no answer: nothing is taken as new on it.
        if (ledgerAnchors.length !== chunk.length)
          throw new GridmarkError(
            'LEDGER_UNAVAILABLE',
            `the registry answered ${ledgerAnchors.length} anchors for ${chunk.length} keys`,
          );
        for (const anchor of ledgerAnchors) found.push(anchor !== null);
      }
      return found;
    },
    async anchor(commitments, anchorOptions = {}) {
      const { anchorCommitments } = await call<{ anchorCommitments: { txId: string } }>(
        'mutation ($c: ID!, $list: [CommitmentInput!]!, $vouched: Boolean) { anchorCommitments(systemCode: $c, commitments: $list, vouched: $vouched) { txId count } }',
        { c: options.systemCode, list: commitments, vouched: anchorOptions.vouched === true },
      );
      return anchorCommitments;
    },
  };
}
