import type {
  ApolloServerPlugin,
  GraphQLRequestContext,
  GraphQLRequestContextDidResolveOperation,
} from '@apollo/server';
import { randomBytes } from 'node:crypto';
import {
  buildResolution,
  type LedgerAdapter,
  type ParsingRule,
  type Resolution,
} from '../../ledger-adapter/index.js';
import type { ResolutionRecorder } from './resolution-recorder.js';
import { GridmarkError, RESERVED_DEVICE_FIELDS, type Logger } from '../../schema/index.js';
import type { Registry } from '../registry/index.js';
import { bearerToken } from '../http/index.js';
import type { FieldDirectory } from './field-directory.js';
import { functionFromHeader, roleFromHeader } from './gridmark-headers.js';
import { DEFAULT_OPERATION_LIMITS, refuseTooManyDevices } from './operation-limits.js';
import type { GatewayContext, RequestAccess } from './request-access.js';
import { writeReceipt } from './receipt.js';
import { selectDeviceFields } from './selected-device-fields.js';

/** The header that names the function an application performs. */
export const FUNCTION_HEADER = 'x-gridmark-function';
/** The header that names the role the application's user acts in (default `*`). */
export const ROLE_HEADER = 'x-gridmark-role';

/** How long a response waits, after its fetches, for its resolution to be on the ledger. */
const RECORD_WAIT_MS = 5_000;

/** Options of {@link createAccessPlugin}. */
export interface AccessPluginOptions {
  readonly registry: Registry;
  readonly ledger: LedgerAdapter;
  /** Where resolutions go to be recorded on the ledger. */
  readonly recorder: ResolutionRecorder;
  readonly fields: FieldDirectory;
  readonly logger: Logger;
  /** The most distinct devices one operation may name (default 500, the most one resolution holds). */
  readonly maxDevices?: number;
}

/** Who asks, in which function and role, under which rule. */
interface Caller {
  readonly applicationId: string;
  readonly function: string;
  readonly role: string;
  readonly rule: ParsingRule | undefined;
}

/**
 * The rule check, before any subgraph is called. For an operation that selects business-system
 * fields of `Device`: the operation must name every device it reads, no more than the limit; the
 * caller must be a registered application naming its function; every selected field must be
 * registered and granted by the application's parsing rule on the ledger (no rule, no data); then
 * the devices and function are resolved against the ledger's rule and catalog, and the resolution
 * is queued to be recorded on the ledger. Any failure refuses the whole operation with a stable
 * code; none fetches data. After the fetches, the response waits for its resolution to be on the
 * ledger: one the ledger refuses (or cannot take) releases nothing and is charged nothing.
 * Catalog-only queries (`id`, `kind`, `heldBy`) are public, like the identifier resolver.
 */
export function createAccessPlugin(
  options: AccessPluginOptions,
): ApolloServerPlugin<GatewayContext> {
  const maxDevices = options.maxDevices ?? DEFAULT_OPERATION_LIMITS.maxDevices;
  return {
    requestDidStart: () => {
      let recorded: Promise<void> | undefined;
      return Promise.resolve({
        async didResolveOperation(requestContext) {
          // Plugins' hooks run side by side: later checks (billing) wait for this decision.
          const decision = decide(options, maxDevices, requestContext);
          requestContext.contextValue.accessDecided = decision.then(
            () => undefined,
            () => undefined,
          );
          ({ recorded } = await decision);
        },
        executionDidStart: (executionContext) =>
          Promise.resolve({
            // Runs after the fetches and before any response hook: billing charges what is left.
            async executionDidEnd() {
              if (recorded)
                await awaitRecord(recorded).catch((error: unknown) =>
                  withholdAll(executionContext, error),
                );
            },
          }),
        willSendResponse({ response, contextValue }) {
          const access = contextValue.access;
          if (access && response.body.kind === 'single')
            writeAccessExtension(response.body.singleResult, access);
          return Promise.resolve();
        },
      });
    },
  };
}

/** The devices an operation names and the business-system fields it selects of them. */
interface BusinessSelection {
  readonly deviceIds: readonly string[];
  readonly business: readonly string[];
}

/**
 * The rule check and resolution of one operation; sets `contextValue.access` when data may be
 * fetched, and returns its record's outcome.
 */
async function decide(
  options: AccessPluginOptions,
  maxDevices: number,
  requestContext: GraphQLRequestContextDidResolveOperation<GatewayContext>,
): Promise<{ readonly recorded?: Promise<void> }> {
  const selection = selectBusinessFields(requestContext, maxDevices);
  if (!selection) return {};
  const { contextValue } = requestContext;
  const caller = await authorize(options, contextValue, selection.business);
  let resolution: Resolution | null = null;
  let recorded: Promise<void> | undefined;
  if (caller.rule && selection.deviceIds.length > 0) {
    ({ resolution, recorded } = await resolve(options, caller, caller.rule, selection.deviceIds));
  }
  contextValue.access = {
    applicationId: caller.applicationId,
    function: caller.function,
    role: caller.role,
    resolution,
    fields: new Set(selection.business),
    verifications: [],
  };
  return recorded ? { recorded } : {};
}

/**
 * The business-system fields an operation selects, and the devices it names; undefined when it
 * selects none (catalog-only queries are public).
 *
 * @throws GraphQLError refusals `TOO_MANY_DEVICES`, `DEVICES_NOT_NAMED`, and those of the selection
 */
function selectBusinessFields(
  {
    schema,
    document,
    operation,
    request,
  }: GraphQLRequestContextDidResolveOperation<GatewayContext>,
  maxDevices: number,
): BusinessSelection | undefined {
  if (!operation) return undefined;
  const selection = (() => {
    try {
      return selectDeviceFields(schema, document, operation, request.variables ?? {});
    } catch (error) {
      return asRefusal(error);
    }
  })();
  // Before anything is looked up or queued: an operation over the limit costs nothing more.
  if (selection.deviceIds.length > maxDevices)
    refuseTooManyDevices(selection.deviceIds.length, maxDevices);
  const business = [...selection.fields].filter(
    (f) => !RESERVED_DEVICE_FIELDS.has(f) && !f.startsWith('__'),
  );
  if (business.length === 0) return undefined;
  if (selection.unnamed.length > 0) {
    throw new GridmarkError(
      'DEVICES_NOT_NAMED',
      `Business-system fields are read only from devices named by identifier in device(id:) or devices(ids:); ${selection.unnamed.join(', ')} return devices the operation does not name.`,
      { details: { fields: selection.unnamed } },
    ).toRequestRefusal();
  }
  return { deviceIds: selection.deviceIds, business };
}

/** `extensions.gridmark` of a response: who asked, the resolution, and the receipt of the values. */
function writeAccessExtension(
  result: { extensions?: Record<string, unknown> },
  access: RequestAccess,
): void {
  result.extensions = {
    ...result.extensions,
    gridmark: {
      application: access.applicationId,
      function: access.function,
      role: access.role,
      resolution: access.resolution
        ? {
            id: access.resolution.resolutionId,
            resolvedAt: access.resolution.resolvedAt,
            totalFeeFen: access.resolution.totalFeeFen,
          }
        : null,
      ...writeReceipt(access.verifications),
    },
  };
}

/**
 * The caller and its rule: a registered application naming its function, whose rule grants every
 * business-system field selected.
 *
 * @throws GraphQLError refusals `UNAUTHENTICATED`, `FUNCTION_REQUIRED`, `FIELD_NOT_PERMITTED`, `LEDGER_UNAVAILABLE`
 */
async function authorize(
  options: AccessPluginOptions,
  contextValue: GatewayContext,
  business: readonly string[],
): Promise<Caller> {
  const key = bearerToken(contextValue.headers('authorization'));
  if (key === null)
    throw new GridmarkError(
      'UNAUTHENTICATED',
      'The Authorization header must be "Bearer <application key>".',
    ).toRequestRefusal();
  const caller = await options.registry.authenticate(key).catch(asRefusal);
  if (caller.role !== 'APPLICATION') {
    throw new GridmarkError(
      'UNAUTHENTICATED',
      'Business-system fields are released to registered applications only: send Authorization: Bearer <application key>.',
    ).toRequestRefusal();
  }
  const fn = functionFromHeader(contextValue.headers(FUNCTION_HEADER), FUNCTION_HEADER);
  const role = roleFromHeader(contextValue.headers(ROLE_HEADER), ROLE_HEADER);
  const rule =
    (await options.ledger
      .getParsingRule({ applicationId: caller.appId, function: fn, role })
      .catch(failClosed)) ?? undefined;
  const granted = new Set(rule?.fieldCodes ?? []);
  const refused = business.filter((name) => {
    const field = options.fields.byName(name);
    return !field || !granted.has(field.code);
  });
  if (refused.length > 0) {
    const why = rule
      ? `the rule for ${caller.appId}, function ${fn}, role ${role} does not grant them`
      : `there is no rule for ${caller.appId}, function ${fn}, role ${role}: no rule, no data`;
    throw new GridmarkError(
      'FIELD_NOT_PERMITTED',
      `Not permitted: ${refused.map((f) => `Device.${f}`).join(', ')}; ${why}.`,
      { details: { fields: refused } },
    ).toRequestRefusal();
  }
  return { applicationId: caller.appId, function: fn, role, rule };
}

/**
 * Resolves the devices here from the ledger's rule and catalog (cached reads) and queues the
 * resolution to be recorded on the ledger in a batch with other queries' resolutions: the ledger
 * computes the same record.
 */
async function resolve(
  options: AccessPluginOptions,
  caller: Caller,
  rule: ParsingRule,
  ids: readonly string[],
): Promise<{ resolution: Resolution; recorded: Promise<void> }> {
  const [entries, records] = await Promise.all([
    options.ledger.getCatalogEntries(ids),
    options.ledger.getFields(rule.fieldCodes),
  ]).catch(failClosed);
  const request = {
    resolutionId: randomBytes(32).toString('hex'),
    applicationId: caller.applicationId,
    function: caller.function,
    role: caller.role,
    deviceIds: ids,
  };
  const resolution = buildResolution(
    request,
    rule,
    new Map(ids.map((id, i) => [id, entries[i] ?? undefined])),
    new Map(rule.fieldCodes.map((code, i) => [code, records[i] ?? undefined])),
    request.resolutionId,
    new Date().toISOString(),
  );
  try {
    return { resolution, recorded: options.recorder.enqueue(request) };
  } catch (error) {
    return failClosed(error);
  }
}

/** The record's outcome, or `LEDGER_UNAVAILABLE` when it takes longer than {@link RECORD_WAIT_MS}. */
function awaitRecord(recorded: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GridmarkError(
            'LEDGER_UNAVAILABLE',
            `The query's resolution was not on the ledger within ${RECORD_WAIT_MS} ms; nothing is released.`,
          ),
        ),
      RECORD_WAIT_MS,
    );
  });
  return Promise.race([recorded, late]).finally(() => clearTimeout(timer));
}

/**
 * A query whose resolution is not on the ledger releases nothing: its data and errors give way to
 * the refusal, its receipt lists no value, and billing (which reads the verifications) charges
 * nothing.
 */
function withholdAll(requestContext: GraphQLRequestContext<GatewayContext>, error: unknown): void {
  const failure =
    error instanceof GridmarkError
      ? error
      : new GridmarkError(
          'LEDGER_UNAVAILABLE',
          "The query's resolution could not be recorded; nothing is released.",
          { cause: error },
        );
  requestContext.contextValue.access?.verifications.splice(0);
  const refusal = failure.toRequestRefusal();
  const { http, ...extensions } = refusal.extensions as { http?: { status?: number } } & Record<
    string,
    unknown
  >;
  const { response } = requestContext;
  if (response.body?.kind === 'single') {
    response.body.singleResult.data = null;
    response.body.singleResult.errors = [{ message: failure.message, extensions }];
  }
  if (http?.status !== undefined) response.http.status = http.status;
}

/** A refusal (a bad key) refuses the request with its code and status; anything else is an internal error. */
function asRefusal(error: unknown): never {
  if (error instanceof GridmarkError) throw error.toRequestRefusal();
  throw error;
}

/** A ledger that cannot answer refuses the operation: nothing is released unchecked. */
function failClosed(error: unknown): never {
  if (error instanceof GridmarkError) throw error.toRequestRefusal();
  throw new GridmarkError(
    'LEDGER_UNAVAILABLE',
    'The ledger could not answer; nothing is released unchecked.',
    { cause: error },
  ).toRequestRefusal();
}
