import { GridmarkError } from '../../../schema/index.js';
import type { Registry } from '../registry.js';
import type { Caller } from '../registry-types.js';

/** Per-request context of the registry API. */
export interface RegistryContext {
  readonly caller: Caller;
}

/** A resolver's arguments, as GraphQL hands them over. */
export type Args = Record<string, unknown>;

/** A text argument, or '' when it is absent (the registry then refuses it by name). */
export function text(args: Args, key: string): string {
  const value = args[key];
  return typeof value === 'string' ? value : '';
}

/** The credit history filter that the `creditHistory` fields take. */
export function historyFilter(args: Args): Parameters<Registry['creditHistory']>[1] {
  return {
    ...(typeof args['creditCode'] === 'string' ? { creditCode: args['creditCode'] } : {}),
    ...(typeof args['systemCode'] === 'string' ? { systemCode: args['systemCode'] } : {}),
    after: Number(args['after'] ?? 0),
    limit: Number(args['limit'] ?? 100),
  };
}

/** Runs a registry call, giving GraphQL clients a registry error as a GraphQL error with its code. */
export function wrap<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    throw error instanceof GridmarkError ? error.toGraphQLError() : error;
  });
}
