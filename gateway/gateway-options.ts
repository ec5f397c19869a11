import type { KeyObject } from 'node:crypto';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { LedgerAdapter, LedgerOutbox } from '../ledger-adapter/index.js';
import type { Logger } from '../schema/index.js';
import type { OperationLimits } from './access/index.js';
import type { BillingStore, Tariff } from './billing/index.js';
import type { DeviceDirectory } from './catalog/index.js';
import type { ObservabilitySettings } from './observability/index.js';
import type { ExplorerMode } from './explorer/index.js';
import type { HttpRoute } from './http/index.js';
import type { Registry } from './registry/index.js';
import type { SupergraphStatus } from './supergraph/index.js';

/** A business system the gateway composes. */
export interface SystemEndpoint {
  readonly name: string;
  readonly url: string;
  /** How to reach it; by default over HTTP. The test network routes in-process. */
  readonly fetcher?: Fetcher;
  /** Its SDL when known up front (in-process subgraphs); otherwise read from `_service { sdl }`. */
  readonly sdl?: string;
}

/**
 * Where the gateway learns its business systems: a fixed list with a device directory, or the
 * identifier registry, whose active systems it follows live and which also serves `/registry`
 * and `/id/<identifier>`.
 */
export type GatewayTopology =
  | {
      readonly systems: readonly SystemEndpoint[];
      readonly directory: DeviceDirectory;
      readonly registry?: undefined;
      readonly access?: undefined;
    }
  | {
      readonly registry: Registry;
      readonly systems?: undefined;
      readonly directory?: undefined;
      readonly access?: GatewayAccess;
    };

/**
 * Field-level access control: the ledger that holds the parsing rules and hash records, and the
 * gateway's Ed25519 key that signs grants (business systems hold its public key). With it, no
 * business-system field is released that the rules do not allow and the ledger does not vouch for.
 */
export interface GatewayAccess {
  readonly ledger: LedgerAdapter;
  readonly signingKey: KeyObject;
  /**
   * The durable outbox through which resolutions, trades and tamper reports reach the ledger,
   * shared with the registry (its evidence goes the same way). Without one, the gateway keeps an
   * outbox in memory, which a crash loses: for tests only. `npm start` opens one beside the ledger.
   */
  readonly outbox?: LedgerOutbox;
  /** Per-use charging: without it, released values are free. */
  readonly billing?: GatewayBilling;
}

/** The billing book and the platform's fees; queries are then paid for, and traded on the ledger. */
export interface GatewayBilling {
  readonly store: BillingStore;
  readonly tariff: Tariff;
  /** How long a response waits for its trade's ledger receipt (default 2 s). */
  readonly receiptTimeoutMs?: number;
}

/** Options of {@link createGateway}. */
export type GatewayOptions = GatewayTopology & GatewaySettings;

/** Settings of the gateway, whatever its topology. */
export interface GatewaySettings {
  /** `development` serves Apollo Sandbox and introspection; `production` serves neither. */
  readonly mode?: 'development' | 'production';
  /** Re-read subgraph SDLs this often and recompose on change; 0 disables. */
  readonly pollIntervalMs?: number;
  readonly startupTimeoutMs?: number;
  /** Deadline of one subgraph request. */
  readonly subgraphTimeoutMs?: number;
  readonly maxDevicesPerQuery?: number;
  /**
   * How large one operation may be: tokens, aliases, depth, fields and (with access control)
   * distinct devices; each checked before anything runs or is queued (`QUERY_TOO_COMPLEX`,
   * `TOO_MANY_DEVICES`). Unset limits keep their defaults (`DEFAULT_OPERATION_LIMITS`).
   */
  readonly limits?: Partial<OperationLimits>;
  readonly logger?: Logger;
  /**
   * Logs, metrics, traces and readiness (see docs/observability.md): JSON or readable logs and
   * their level, `/metrics` on or off, the OTLP endpoint that receives traces (none: off), and
   * the ledger backlog over which `/readyz` says not ready.
   */
  readonly observability?: ObservabilitySettings;
  /** How long `stop()` waits for in-flight queries after refusing new ones (default 10 000 ms). */
  readonly shutdownGraceMs?: number;
  /**
   * Routes served before the gateway's own, on every path (e.g. CORS answers, a published key
   * set): each returns true when it answered the request, or sets headers and returns false.
   */
  readonly routes?: readonly HttpRoute[];
  /** With a certificate and key, `listen` serves HTTPS instead of HTTP. */
  readonly tls?: GatewayTls;
  /**
   * Which explorer a browser gets: `sandbox` (Apollo Sandbox, from Apollo's CDN), `graphiql` (the
   * bundled GraphiQL, every file from the gateway), `auto` (Sandbox when its CDN answers, else the
   * bundled GraphiQL) or `off`. Any but `off` also serves the bundled GraphiQL at `/explorer`.
   * Default: `auto` in development, `off` in production.
   */
  readonly explorer?: ExplorerMode;
}

/** The gateway's TLS certificate (chain) and private key, as PEM. */
export interface GatewayTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** One GraphQL request, for in-process execution. */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/** A GraphQL response as a client receives it. */
export interface GraphqlResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
  readonly extensions?: Record<string, unknown>;
}

/** The aggregation gateway. */
export interface Gateway {
  /** Composes the supergraph and gets ready to serve. */
  start(): Promise<void>;
  /** Runs one operation in-process, through the same pipeline and error formatting as HTTP; `headers` as a client would send them. */
  execute(
    request: GraphqlRequest,
    headers?: Readonly<Record<string, string>>,
  ): Promise<GraphqlResponse>;
  /** Serves HTTP on `port` (0 picks a free one); resolves with the URL. */
  listen(port: number, host?: string): Promise<string>;
  status(): SupergraphStatus;
  stop(): Promise<void>;
}
