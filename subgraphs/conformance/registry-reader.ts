import { createGraphqlClient, type GraphqlClient } from '../../schema/index.js';

/** A registered field as the registry states it. */
export interface RegisteredField {
  readonly code: string;
  readonly name: string;
  readonly systemCode: string;
  readonly changePolicy: 'REFUSE' | 'RELEASE_UNVERIFIED';
}

/** The latest anchor of one (device, field code) on the ledger. */
export interface LedgerAnchor {
  readonly commitment: string;
  readonly systemCode: string;
  readonly txId: string;
  readonly version: number;
}

/** What the checks read through the registry API: public evidence, and the system's own identifiers with its key. */
export interface RegistryReader {
  /**
   * A registered system's subgraph name, and its URL when the caller may see it (the system's own
   * key, its enterprise's operator, admins); null for an unknown code.
   */
  system(
    systemCode: string,
  ): Promise<{ readonly subgraphName: string; readonly url: string | null } | null>;
  /** Registered fields: of one system, or of all. */
  fields(systemCode?: string): Promise<readonly RegisteredField[]>;
  /** The anchors of (device, field code) pairs, in order; null where the ledger holds none. */
  anchors(
    keys: readonly { readonly deviceId: string; readonly fieldCode: string }[],
  ): Promise<readonly (LedgerAnchor | null)[]>;
  /** The first `limit` identifiers the system holds (needs the system's own key). */
  identifiers(systemCode: string, limit: number): Promise<readonly string[]>;
}

/** Anchors read per call: the registry's limit. */
const ANCHORS_PER_CALL = 1_000;

/**
 * A reader over the registry API at `url`; `apiKey` (the system's own) is needed for
 * {@link RegistryReader.identifiers} only.
 *
 * @throws GridmarkError from its calls: the registry's code, or `SYSTEM_UNAVAILABLE`.
 */
export function createRegistryReader(options: {
  readonly url: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
}): RegistryReader {
  const client: GraphqlClient = createGraphqlClient({
    url: options.url,
    timeoutMs: options.timeoutMs ?? 15_000,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
  return {
    async system(systemCode) {
      const { system } = await client.request<{
        system: { subgraphName: string; url: string | null } | null;
      }>('query ($c: ID!) { system(code: $c) { subgraphName url } }', { c: systemCode });
      return system;
    },
    async fields(systemCode) {
      const { fields } = await client.request<{ fields: RegisteredField[] }>(
        'query ($c: ID) { fields(systemCode: $c) { code name systemCode changePolicy } }',
        { c: systemCode ?? null },
      );
      return fields;
    },
    async anchors(keys) {
      const found: (LedgerAnchor | null)[] = [];
      for (let i = 0; i < keys.length; i += ANCHORS_PER_CALL) {
        const chunk = keys.slice(i, i + ANCHORS_PER_CALL);
        const { ledgerAnchors } = await client.request<{ ledgerAnchors: (LedgerAnchor | null)[] }>(
          'query ($keys: [AnchorKeyInput!]!) { ledgerAnchors(keys: $keys) { commitment systemCode txId version } }',
          { keys: chunk.map((k) => ({ deviceId: k.deviceId, fieldCode: k.fieldCode })) },
        );
        found.push(...chunk.map((_, j) => ledgerAnchors[j] ?? null));
      }
      return found;
    },
    async identifiers(systemCode, limit) {
      const { systemIdentifiers } = await client.request<{
        systemIdentifiers: { items: { identifier: string; status: string }[] };
      }>(
        'query ($c: ID!, $limit: Int) { systemIdentifiers(code: $c, limit: $limit) { items { identifier status } } }',
        { c: systemCode, limit },
      );
      return systemIdentifiers.items
        .filter((item) => item.status === 'ACTIVE')
        .map((item) => item.identifier);
    },
  };
}
