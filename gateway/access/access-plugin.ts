import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { randomBytes } from 'node:crypto';
import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { Resolution } from '../../ledger-adapter/contract/records.js';
import { buildResolution } from '../../ledger-adapter/contract/resolution.js';
import type { ResolutionRecorder } from './resolution-recorder.js';
import { GridmarkError, RESERVED_DEVICE_FIELDS, type Logger } from '../../schema/index.js';
import type { Registry } from '../registry/registry-service.js';
import { bearerToken } from '../http/bearer-token.js';
import type { FieldDirectory } from './field-directory.js';
import type { GatewayContext } from './request-access.js';
import { writeReceipt } from './receipt.js';
import { selectDeviceFields } from './selected-device-fields.js';

/** The header that names the function an application performs. */
export const FUNCTION_HEADER = 'x-gridmark-function';
/** The header that names the role the application's user acts in (default `*`). */
export const ROLE_HEADER = 'x-gridmark-role';

/** Options of {@link createAccessPlugin}. */
export interface AccessPluginOptions {
  readonly registry: Registry;
  readonly ledger: LedgerAdapter;
  /** Where resolutions go to be recorded on the ledger. */
  readonly recorder: ResolutionRecorder;
  readonly fields: FieldDirectory;
  readonly logger: Logger;
}

/**
 * The rule check, before any subgraph is called. For an operation that selects business-system
 * fields of `Device`: the caller must be a registered application naming its function; every
 * selected field must be registered and granted by the application's parsing rule on the ledger
 * (no rule, no data); then the devices and function are resolved against the ledger's rule and
 * catalog, and the resolution is queued to be recorded on the ledger. Any failure refuses the whole operation with a stable code; none fetches data.
 * Catalog-only queries (`id`, `kind`, `heldBy`) are public, like the identifier resolver.
 */
export function createAccessPlugin(options: AccessPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { registry, ledger, fields } = options;
  /** The rule check and resolution of one operation; sets `contextValue.access` when data may be fetched. */
  const decide = async ({ document, operation, request, contextValue }: GraphQLRequestContextDidResolveOperation<GatewayContext>): Promise<void> => {
    if (!operation) return;
    const selection = selectDeviceFields(document, operation, request.variables ?? {});
    const business = [...selection.fields].filter((f) => !RESERVED_DEVICE_FIELDS.has(f) && !f.startsWith('__'));
    if (business.length === 0) return;
    const key = bearerToken(contextValue.headers('authorization'));
    if (key === null) throw new GridmarkError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <application key>".').toRequestRefusal();
    const caller = await registry.authenticate(key).catch(asRefusal);
    if (caller.role !== 'APPLICATION') {
      throw new GridmarkError('UNAUTHENTICATED', 'Business-system fields are released to registered applications only: send Authorization: Bearer <application key>.').toRequestRefusal();
    }
    const fn = contextValue.headers(FUNCTION_HEADER);
    if (!fn) throw new GridmarkError('FUNCTION_REQUIRED', `Name the function the application performs in the ${FUNCTION_HEADER} header.`).toRequestRefusal();
    const role = contextValue.headers(ROLE_HEADER) ?? '*';
    const rule = await ledger.getParsingRule({ applicationId: caller.appId, function: fn, role }).catch(failClosed);
    const granted = new Set(rule?.fieldCodes ?? []);
    const refused = business.filter((name) => {
      const field = fields.byName(name);
      return !field || !granted.has(field.code);
    });
    if (refused.length > 0) {
      const why = rule ? `the rule for ${caller.appId}, function ${fn}, role ${role} does not grant them` : `there is no rule for ${caller.appId}, function ${fn}, role ${role}: no rule, no data`;
      throw new GridmarkError('FIELD_NOT_PERMITTED', `Not permitted: ${refused.map((f) => `Device.${f}`).join(', ')}; ${why}.`, { details: { fields: refused } }).toRequestRefusal();
    }
    let resolution: Resolution | null = null;
    if (rule && selection.deviceIds.length > 0) {
      // Resolved here from the ledger's rule and catalog (cached reads), recorded on the
      // ledger in a batch with other queries' resolutions: the ledger computes the same record.
      const ids = selection.deviceIds;
      const [entries, records] = await Promise.all([ledger.getCatalogEntries(ids), ledger.getFields(rule.fieldCodes)]).catch(failClosed);
      const request = { resolutionId: randomBytes(32).toString('hex'), applicationId: caller.appId, function: fn, role, deviceIds: ids };
      resolution = buildResolution(
        request,
        rule,
        new Map(ids.map((id, i) => [id, entries[i] ?? undefined])),
        new Map(rule.fieldCodes.map((code, i) => [code, records[i] ?? undefined])),
        request.resolutionId,
        new Date().toISOString(),
      );
      try {
        options.recorder.enqueue(request);
      } catch (error) {
        failClosed(error);
      }
    }
    contextValue.access = { applicationId: caller.appId, function: fn, role, resolution, fields: new Set(business), verifications: [] };
  };
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation(requestContext) {
          // Plugins' hooks run side by side: later checks (billing) wait for this decision.
          const decision = decide(requestContext);
          requestContext.contextValue.accessDecided = decision.then(
            () => undefined,
            () => undefined,
          );
          return decision;
        },
        willSendResponse({ response, contextValue }) {
          const access = contextValue.access;
          if (!access || response.body.kind !== 'single') return Promise.resolve();
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            gridmark: {
              application: access.applicationId,
              function: access.function,
              role: access.role,
              resolution: access.resolution ? { id: access.resolution.resolutionId, resolvedAt: access.resolution.resolvedAt, totalFeeFen: access.resolution.totalFeeFen } : null,
              ...writeReceipt(access.verifications),
            },
          };
          return Promise.resolve();
        },
      }),
  };
}

/** A refusal (a bad key) refuses the request with its code and status; anything else is an internal error. */
function asRefusal(error: unknown): never {
  if (error instanceof GridmarkError) throw error.toRequestRefusal();
  throw error;
}

/** A ledger that cannot answer refuses the operation: nothing is released unchecked. */
function failClosed(error: unknown): never {
  if (error instanceof GridmarkError) throw error.toRequestRefusal();
  throw new GridmarkError('LEDGER_UNAVAILABLE', 'The ledger could not answer; nothing is released unchecked.', { cause: error }).toRequestRefusal();
}
