import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContext,
  GraphQLRequestListener,
} from '@apollo/server';
import { failSpan, inSpan, type GatewayTracing } from './gateway-tracing.js';
import { currentScope, type OperationRecord } from './request-scope.js';

/**
 * The first plugin of the gateway's Apollo Server: each operation of the current request is
 * recorded (its response and context, for the metrics taken when the answer is written) and,
 * with tracing on, gets its `gridmark.request` span, the parent of the operation's other spans.
 */
export function createObservabilityPlugin<TContext extends BaseContext>(
  tracing: GatewayTracing | undefined,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart(requestContext) {
      const scope = currentScope();
      if (!scope) return Promise.resolve();
      const record: OperationRecord = {
        context: requestContext.contextValue,
      };
      if (tracing) {
        record.span = tracing.start('gridmark.request', { 'gridmark.request_id': scope.requestId });
        scope.span = record.span;
      }
      scope.operations.push(record);
      return Promise.resolve({
        didResolveOperation({ operationName, operation }) {
          record.span?.setAttribute('graphql.operation.type', operation?.operation ?? 'unknown');
          if (operationName) record.span?.setAttribute('graphql.operation.name', operationName);
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          if (response.body.kind === 'single') record.result = response.body.singleResult;
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * A plugin whose operation hooks each run in a span: `didResolveOperation` as `<name>.check`,
 * `willSendResponse` as `<name>.settle`, so that the spans and ledger calls they make hang under
 * them. Nothing else changes; without tracing the plugin is returned as it is.
 */
export function traceHooks<TContext extends BaseContext>(
  name: string,
  plugin: ApolloServerPlugin<TContext>,
  tracing: GatewayTracing | undefined,
): ApolloServerPlugin<TContext> {
  const requestDidStart = plugin.requestDidStart?.bind(plugin);
  if (!tracing || !requestDidStart) return plugin;
  return {
    ...plugin,
    async requestDidStart(requestContext: GraphQLRequestContext<TContext>) {
      const listener = await requestDidStart(requestContext);
      if (!listener) return listener;
      return traceListener(name, listener, tracing);
    },
  };
}

function traceListener<TContext extends BaseContext>(
  name: string,
  listener: GraphQLRequestListener<TContext>,
  tracing: GatewayTracing,
): GraphQLRequestListener<TContext> {
  const didResolveOperation = listener.didResolveOperation?.bind(listener);
  const willSendResponse = listener.willSendResponse?.bind(listener);
  return {
    ...listener,
    ...(didResolveOperation && {
      didResolveOperation: (context) =>
        inSpan(tracing, `${name}.check`, undefined, () => didResolveOperation(context)),
    }),
    ...(willSendResponse && {
      willSendResponse: (context) =>
        inSpan(tracing, `${name}.settle`, undefined, () => willSendResponse(context)),
    }),
  };
}

/** Ends the operation spans of a request, marking those whose answer carries an error. */
export function endOperationSpans(operations: readonly OperationRecord[]): void {
  for (const { span, result } of operations) {
    if (!span) continue;
    const code = result?.errors?.[0]?.extensions?.['code'];
    if (code !== undefined) failSpan(span, { extensions: { code } });
    span.end();
  }
}
