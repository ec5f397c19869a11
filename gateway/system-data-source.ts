import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayContext, SubgraphGuard } from './access/index.js';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GridmarkError, type Logger } from '../schema/index.js';
import { createEntityFetchCheck, type EntityFetchCheck } from './supergraph/index.js';

/** Options of a {@link SystemDataSource}. */
export interface SystemDataSourceOptions {
  /** The business system's name, as composed into the supergraph. */
  readonly name: string;
  readonly url: string;
  readonly logger: Logger;
  /** How to reach the subgraph, with its deadline: the gateway's subgraph fetcher; tests route in-process. */
  readonly fetcher: Fetcher;
  /** Grants out and verification in, when access control is on. */
  readonly guard?: SubgraphGuard;
  /** The `Device` fields this system owns now: the only ones it is ever asked for. */
  readonly ownedFields: () => ReadonlySet<string>;
}

/**
 * Apollo Gateway's data source for one business system. Before anything is sent, it checks that
 * the request asks the system only for its own `Device` fields of devices named by their key
 * (`SUBGRAPH_FETCH_REFUSED` otherwise: whatever the supergraph plans, no field is fetched from
 * any system but its owner, and no system receives another's values). Its fetcher gives every
 * subgraph request a deadline; it turns transport failures into `SYSTEM_UNAVAILABLE` naming the
 * system, so that the rest of the response still arrives and no URL, stack or socket error
 * reaches the client.
 */
export class SystemDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly #name: string;
  readonly #logger: Logger;
  readonly #guard: SubgraphGuard | undefined;
  readonly #ownedFields: () => ReadonlySet<string>;
  readonly #fetches: EntityFetchCheck;

  constructor(options: SystemDataSourceOptions) {
    super({ url: options.url, fetcher: options.fetcher });
    this.#name = options.name;
    this.#logger = options.logger;
    this.#guard = options.guard;
    this.#ownedFields = options.ownedFields;
    this.#fetches = createEntityFetchCheck({ system: options.name });
  }

  /** Requests being sent again with a signed grant (see {@link process}). */
  readonly #signedRetries = new WeakSet<object>();

  /**
   * A fetch none of whose devices this system holds any of the query's fields of, by the query's
   * resolution (see {@link SubgraphGuard.coveredRepresentations}), is answered here with null
   * entities and sends nothing: those fields are null, as the catalog says (`heldBy`), rather
   * than refused with `GRANT_NOT_COVERED`. Any other fetch goes out as planned, its grant judged
   * by the resolution.
   */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    this.#checkFetch(options.request);
    const representations: unknown = options.request.variables?.['representations'];
    const kept =
      this.#guard && 'context' in options && options.context && Array.isArray(representations)
        ? this.#guard.coveredRepresentations(
            this.#name,
            options.request.variables,
            options.context as GatewayContext,
          )
        : undefined;
    if (kept?.length === 0 && Array.isArray(representations))
      return { data: { _entities: representations.map(() => null) } };
    return this.#send(options);
  }

  /**
   * A system that restarted (or another replica of it) holds another grant key and refuses grants
   * sealed for the one the gateway knew; its answer names its key, which the gateway takes for the
   * next requests. This request goes once more at once, its grant signed, which any replica
   * accepts.
   */
  async #send(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    const response = await super.process(options);
    if (!this.#guard?.refusedStaleGrant(response)) return response;
    this.#signedRetries.add(options);
    try {
      return await super.process(options);
    } finally {
      this.#signedRetries.delete(options);
    }
  }

  /** Refuses, before anything is sent, a request that asks this system for what it does not own. */
  #checkFetch(request: GraphQLDataSourceProcessOptions<GatewayContext>['request']): void {
    try {
      this.#fetches.check(
        request.query ?? '',
        request.variables as Readonly<Record<string, unknown>> | undefined,
        this.#ownedFields(),
      );
    } catch (error) {
      if (!(error instanceof GridmarkError)) throw error;
      this.#logger.warn(error.message);
      throw error.toGraphQLError();
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const guard = this.#guard;
    if (!guard || !('context' in options) || !options.context) return;
    const headers = guard.headersFor(
      this.#name,
      options.request.variables,
      options.context as GatewayContext,
      { signed: this.#signedRetries.has(options) },
    );
    for (const [name, value] of Object.entries(headers))
      options.request.http?.headers.set(name, value);
  }

  override async didReceiveResponse({
    response,
    request,
    context,
  }: ReceivedResponse): Promise<ReceivedResponse['response']> {
    if (!this.#guard) return response;
    const query = typeof request.query === 'string' ? request.query : undefined;
    const variables = request.variables as Readonly<Record<string, unknown>> | undefined;
    return (await this.#guard.verify(
      this.#name,
      response as never,
      {
        ...(query === undefined ? {} : { query }),
        ...(variables === undefined ? {} : { variables }),
      },
      context,
    )) as ReceivedResponse['response'];
  }

  override didEncounterError(error: Error): void {
    this.#logger.warn(`business system "${this.#name}" failed: ${error.message}`);
    throw new GridmarkError(
      'SYSTEM_UNAVAILABLE',
      `Business system "${this.#name}" is unavailable; its fields are null.`,
      {
        details: { system: this.#name },
        cause: error,
      },
    ).toGraphQLError();
  }
}

type ReceivedResponse = Parameters<
  NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>
>[0];
