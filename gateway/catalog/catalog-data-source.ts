import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type * as GraphQL from 'graphql';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { createRequire } from 'node:module';
import { BoundedMap } from '../../schema/index.js';

/**
 * graphql-js as Apollo's packages load it (CommonJS). The catalog schema is built by
 * `@apollo/subgraph`, and graphql-js refuses a schema made by another copy of itself, which an
 * ES-module resolver that prefers the package's `module` entry (vitest's) would hand us.
 */
const {
  GraphQLError: GraphQLErrorClass,
  execute,
  parse,
  validate,
} = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** Distinct operation texts remembered, parsed and validated. */
const DEFAULT_CAPACITY = 1_000;

type CatalogResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * Serves the catalog subgraph inside the gateway process. Apollo's `LocalGraphQLDataSource` parses
 * and validates the operation on every request; the gateway sends the catalog the same few
 * operation texts over and over (one per query plan), so here each text is parsed and validated
 * once and its document (or its errors) remembered, then executed with each request's variables.
 */
export class CatalogDataSource implements GraphQLDataSource<Record<string, unknown>> {
  readonly #schema: GraphQLSchema;
  readonly #documents: BoundedMap<string, DocumentNode | readonly GraphQLError[]>;

  constructor(schema: GraphQLSchema, options: { readonly capacity?: number } = {}) {
    this.#schema = schema;
    this.#documents = new BoundedMap(options.capacity ?? DEFAULT_CAPACITY);
  }

  async process({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<CatalogResponse> {
    const document = this.#prepare(request.query ?? '');
    if (!('kind' in document)) return { errors: document };
    return await execute({
      schema: this.#schema,
      document,
      variableValues: request.variables ?? null,
      operationName: request.operationName ?? null,
      contextValue: context,
    });
  }

  /** The operation's document, or why it cannot run: parsed and validated once per text. */
  #prepare(text: string): DocumentNode | readonly GraphQLError[] {
    const known = this.#documents.get(text);
    if (known) return known;
    let prepared: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(text);
      const errors = validate(this.#schema, document);
      prepared = errors.length > 0 ? errors : document;
    } catch (error) {
      if (!(error instanceof GraphQLErrorClass)) throw error;
      prepared = [error];
    }
    this.#documents.set(text, prepared);
    return prepared;
  }
}
