import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode, type ValidationRule } from 'graphql';
import { GridmarkError } from '../../schema/index.js';

/**
 * Refuses mutations and subscriptions while the document is validated, that is before the access
 * check resolves anything (the supergraph has neither root type, but graphql-js does not say so
 * until execution, and the access check would resolve and record the operation first). Apollo
 * Server answers a validation error with 400; the error formatter gives it this code.
 */
export const queriesOnlyRule: ValidationRule = (context) => ({
  [Kind.OPERATION_DEFINITION]: (node) => {
    if (node.operation === OperationTypeNode.QUERY) return;
    const refusal = new GridmarkError(
      'OPERATION_NOT_SUPPORTED',
      `The gateway runs queries only; this is a ${node.operation}.`,
    );
    context.reportError(
      new GraphQLError(refusal.message, { nodes: [node], originalError: refusal }),
    );
  },
});

const listener: GraphQLRequestListener<BaseContext> = {
  didResolveOperation({ operation }) {
    // Apollo Server resolves the operation by name; without one (several operations and no
    // operationName, or a name the document does not hold) the gateway's executor would fail
    // with a 500. Refused here instead, before anything runs.
    if (!operation) {
      throw new GraphQLError(
        'The document does not name one operation to run: give operationName, the name of one of its operations.',
        { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } },
      );
    }
    return Promise.resolve();
  },
};

/**
 * Refuses a request whose document does not resolve to one operation, with 400 and
 * `OPERATION_RESOLUTION_FAILURE`. Put it first among the plugins.
 */
export function createOperationGate(): ApolloServerPlugin<BaseContext> {
  return { requestDidStart: () => Promise.resolve(listener) };
}
