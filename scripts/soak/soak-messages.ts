/** Messages between the soak and its network process (over the fork's IPC channel). */

/** Messages from the soak to the network process. */
export type SoakNetworkRequest = { readonly type: 'memory' } | { readonly type: 'stop' };

/** Where the soak's network serves, and the keys it minted for this run. */
export interface SoakNetworkInfo {
  readonly gatewayUrl: string;
  readonly registryUrl: string;
  readonly adminKey: string;
  readonly appId: string;
  readonly apiKey: string;
  readonly ledgerPath: string;
  readonly billingPath: string;
  readonly dataDir: string;
  /** Field commitments the business systems anchored at start. */
  readonly anchored: number;
}

/** Messages from the network process to the soak. */
export type SoakNetworkReply =
  | ({ readonly type: 'ready' } & SoakNetworkInfo)
  | { readonly type: 'memory'; readonly usage: NodeJS.MemoryUsage }
  | { readonly type: 'stopped' };
