import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  Lexer,
  Source,
  TokenKind,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { MAX_DEVICES_PER_RESOLUTION } from '../../ledger-adapter/index.js';
import { GridmarkError } from '../../schema/index.js';

/** How large one operation may be. Every limit is a positive whole number. */
export interface OperationLimits {
  /** Distinct devices one operation names, in all its root fields together; at most 500, the most one resolution on the ledger holds. */
  readonly maxDevices: number;
  /** Aliased fields, counted through fragments. */
  readonly maxAliases: number;
  /** Nesting of fields (fragments add none). */
  readonly maxDepth: number;
  /** Fields and fragments selected, counted through fragments. */
  readonly maxFields: number;
  /** Lexical tokens of the whole document: the parser stops at the limit. */
  readonly maxTokens: number;
}

/** The gateway's limits unless configured otherwise. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDevices: MAX_DEVICES_PER_RESOLUTION,
  maxAliases: 100,
  maxDepth: 12,
  maxFields: 1_500,
  maxTokens: 15_000,
};

/** The limits of {@link OperationLimits} by the name a refusal gives them. */
export type OperationLimitName = 'devices' | 'aliases' | 'depth' | 'fields' | 'tokens';

/**
 * The defaults with `overrides` applied.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` for a limit that is not a positive whole number, or
 *   more devices than one resolution on the ledger holds.
 */
export function operationLimits(overrides: Partial<OperationLimits> = {}): OperationLimits {
  const limits = {
    ...DEFAULT_OPERATION_LIMITS,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `The operation limit ${name} must be a positive whole number, not ${String(value)}.`,
      );
  }
  if (limits.maxDevices > MAX_DEVICES_PER_RESOLUTION) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `maxDevices is ${limits.maxDevices}; one resolution on the ledger holds at most ${MAX_DEVICES_PER_RESOLUTION} devices.`,
    );
  }
  return limits;
}

/** @throws GraphQLError the `TOO_MANY_DEVICES` refusal (400). */
export function refuseTooManyDevices(found: number, max: number): never {
  throw new GridmarkError(
    'TOO_MANY_DEVICES',
    `The operation names ${found} devices; one operation may name at most ${max}.`,
    { details: { limit: { name: 'devices', max, found } } },
  ).toRequestRefusal();
}

/** What the gateway's Apollo Server takes to enforce the limits on the shape of operations. */
export interface OperationLimitGuards {
  /** graphql-js's own token limit: the parser gives up at the limit rather than after the whole document. */
  readonly parseOptions: ParseOptions;
  /** Aliases, depth and fields, checked while the document is validated (once per distinct document). */
  readonly validationRules: readonly ValidationRule[];
  /** Gives the refusals of the two above their stable code, `QUERY_TOO_COMPLEX`, and status 400. */
  readonly plugin: ApolloServerPlugin<BaseContext>;
}

/**
 * The shape limits of {@link OperationLimits} (all but devices, which the access check counts
 * from the coerced arguments), enforced before an operation runs or anything is queued.
 *
 * graphql-armor's rules count aliases, depth and fields (as a cost of one per selection). Its
 * Apollo bundle does not fit as it is: its token plugin parses every new document a second time
 * and throws from `parsingDidStart`, which Apollo Server 5 answers with a 500, and its rules report
 * `GRAPHQL_VALIDATION_FAILED`. So the rules are used alone, reporting to the validation context,
 * and the token limit is graphql-js's parser option.
 */
export function createOperationLimitGuards(limits: OperationLimits): OperationLimitGuards {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  const report = (name: OperationLimitName, max: number) => [
    (context: ValidationContext | null, error: GraphQLError) => {
      const message = `${error.message.replace(/^Syntax Error: /, '')} The gateway refuses operations over its ${name} limit (${max}).`;
      context?.reportError(
        new GraphQLError(message, { originalError: tooComplex(name, max, message) }),
      );
    },
  ];
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [
      maxAliasesRule({
        ...common,
        n: limits.maxAliases,
        onReject: report('aliases', limits.maxAliases),
      }),
      maxDepthRule({
        ...common,
        n: limits.maxDepth,
        flattenFragments: true,
        onReject: report('depth', limits.maxDepth),
      }),
      costLimitRule({
        ...common,
        maxCost: limits.maxFields,
        objectCost: 1,
        scalarCost: 1,
        depthCostFactor: 1,
        flattenFragments: true,
        onReject: report('fields', limits.maxFields),
      }),
    ],
    plugin: {
      requestDidStart: () => {
        let overTokens = false;
        return Promise.resolve({
          parsingDidStart: ({ source }) =>
            Promise.resolve((error?: Error) => {
              // Only a document that failed to parse is counted, and only up to the limit.
              if (error) overTokens = exceedsTokens(source, limits.maxTokens);
              return Promise.resolve();
            }),
          didEncounterErrors: ({ errors }) => {
            const list = errors as GraphQLError[];
            list.forEach((error, i) => {
              const cause = error.originalError;
              if (cause instanceof GridmarkError && cause.code === 'QUERY_TOO_COMPLEX')
                list[i] = cause.toRequestRefusal();
              else if (overTokens && i === 0)
                list[i] = tooComplex(
                  'tokens',
                  limits.maxTokens,
                  `The document has more than ${limits.maxTokens} tokens; the gateway refuses operations over its tokens limit.`,
                ).toRequestRefusal();
            });
            return Promise.resolve();
          },
        });
      },
    },
  };
}

function tooComplex(name: OperationLimitName, max: number, message: string): GridmarkError {
  return new GridmarkError('QUERY_TOO_COMPLEX', message, { details: { limit: { name, max } } });
}

/** True when `source` holds more than `max` tokens (counted as graphql-js's parser counts them). */
function exceedsTokens(source: string, max: number): boolean {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) if (++count > max) return true;
  } catch {
    return false;
  }
  return false;
}
